import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { until } from './helpers/eventually';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const today = day(0);

/**
 * Approval delegation: a manager away hands their approvals to another manager for some days;
 * the delegate decides the steps named to the delegator, never their own submission, and never
 * passes the delegation on.
 */
describe('Approval delegations', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let alice: TestUser; // manager, the delegator
  let bob: TestUser; // manager reporting to alice, her delegate
  let carol: TestUser; // manager, bob's delegate
  let employee: TestUser; // reports to alice
  let accountant: TestUser;
  let stranger: TestUser; // a manager of another organization

  const spendOf = async (owner: TestUser) =>
    (
      await t
        .as(owner)
        .post('/spends', { amount: '80.00', currency: 'USD', spend_date: today, merchant: 'Train' })
        .expect(201)
    ).body as { id: string; approvals: Array<{ id: string; approver: { user_id: string } }> };
  const delegate = (from: TestUser, to: TestUser, startsOn = today, endsOn = day(7)) =>
    t.as(from).post('/users/me/delegations', { delegate_id: to.id, starts_on: startsOn, ends_on: endsOn });

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
    other = await t.given.organization();
    alice = await t.given.user(org, 'manager');
    bob = await t.given.user(org, 'manager', { manager_id: alice.id });
    carol = await t.given.user(org, 'manager');
    employee = await t.given.user(org, 'employee', { manager_id: alice.id });
    accountant = await t.given.user(org, 'accountant');
    stranger = await t.given.user(other, 'manager');
    await t
      .as(org.admin)
      .post('/policies', {
        name: 'Manager approves',
        rules: [
          {
            id: 'manager',
            condition: { amount_gt: 0 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 1,
          },
          {
            id: 'advance-manager',
            subject: 'advance',
            condition: { advance_amount_gt: 0 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 2,
          },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  it('refuses a delegation that starts tomorrow to decide today (403 NOT_APPROVER)', async () => {
    const future = (await delegate(alice, bob, day(1), day(3)).expect(201)).body;
    expect(future).toMatchObject({ delegator_id: alice.id, delegate_id: bob.id, active: false, revoked_at: null });
    const spend = await spendOf(employee);
    expectProblem(
      await t.as(bob).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }),
      403,
      'NOT_APPROVER',
    );
    await t.as(alice).delete(`/users/me/delegations/${future.id}`).expect(200);
  });

  it("lets the delegate decide the delegator's pending step today, recording for whom", async () => {
    const spend = await spendOf(employee); // pending before the delegation exists
    expectProblem(await t.as(bob).get(`/spends/${spend.id}`), 404, 'SPEND_NOT_FOUND');
    const created = (await delegate(alice, bob).expect(201)).body;
    // The delegate reads what they are asked to decide, before deciding it.
    expect((await t.as(bob).get(`/spends/${spend.id}`).expect(200)).body).toMatchObject({ id: spend.id });
    const visible = (await t.as(bob).get('/spends?limit=100').expect(200)).body.items;
    expect(visible.map((s: { id: string }) => s.id)).toContain(spend.id);
    expect(created).toMatchObject({ active: true, created_by: alice.id, starts_on: today, ends_on: day(7) });

    const listed = (await t.as(bob).get('/approvals?status=pending').expect(200)).body.items;
    expect(listed.find((a: { id: string }) => a.id === spend.approvals[0].id)).toMatchObject({
      delegated_from: alice.id,
    });

    const decided = (
      await t.as(bob).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }).expect(200)
    ).body;
    expect(decided).toMatchObject({ spend_status: 'approved', on_behalf_of: alice.id });
    const [step] = (await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body.approvals;
    expect(step).toMatchObject({ decided_by: bob.id, on_behalf_of: alice.id, status: 'approved' });

    const [entry] = (
      await t.as(org.admin).get(`/audit-logs?entity_id=${spend.approvals[0].id}&action=approval.decided`).expect(200)
    ).body.items;
    expect(entry.metadata).toMatchObject({ on_behalf_of: alice.id });
    const audited = (await t.as(org.admin).get(`/audit-logs?entity_id=${created.id}`).expect(200)).body.items;
    expect(audited.map((e: { action: string }) => e.action)).toContain('approval_delegation.created');

    const told = await until(async () => {
      const page = await t.as(bob).get('/notifications?limit=100').expect(200);
      return (page.body.items as Array<{ type: string; entity_type: string; entity_id: string; body: string }>).find(
        (n) => n.type === 'approval.delegated' && n.entity_id === created.id,
      );
    }, 'approval.delegated for the delegate');
    expect(told).toMatchObject({ entity_type: 'approval_delegation' });
    expect(told.body).toContain(`to ${day(7)}`);
  });

  it('never lets the delegate approve their own spend (403 SELF_APPROVAL_FORBIDDEN)', async () => {
    const spend = await spendOf(bob); // bob's manager alice is the approver, and delegates to bob
    expect(spend.approvals[0].approver.user_id).toBe(alice.id);
    expectProblem(
      await t.as(bob).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }),
      403,
      'SELF_APPROVAL_FORBIDDEN',
    );
    const listed = (await t.as(bob).get('/approvals?status=pending').expect(200)).body.items;
    expect(listed.map((a: { id: string }) => a.id)).not.toContain(spend.approvals[0].id);
  });

  it('refuses a delegation back to the delegator over the same days (409 DELEGATION_CYCLE)', async () => {
    expectProblem(await delegate(bob, alice, day(2), day(4)), 409, 'DELEGATION_CYCLE');
  });

  it('refuses a second delegation of one person over the same days (409 DELEGATION_OVERLAP)', async () => {
    expectProblem(await delegate(alice, carol, day(5), day(9)), 409, 'DELEGATION_OVERLAP');
  });

  it("does not chain: the delegate of a delegate does not decide the first delegator's steps", async () => {
    await delegate(bob, carol).expect(201);
    const spend = await spendOf(employee);
    expectProblem(
      await t.as(carol).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }),
      403,
      'NOT_APPROVER',
    );
    const listed = (await t.as(carol).get('/approvals?status=pending').expect(200)).body.items;
    expect(listed.map((a: { id: string }) => a.id)).not.toContain(spend.approvals[0].id);
  });

  it('refuses delegates who may not approve, or of another organization (422 DELEGATE_NOT_ELIGIBLE)', async () => {
    const someone = await t.given.user(org, 'manager');
    for (const to of [employee, accountant, stranger, someone])
      if (to !== someone) expectProblem(await delegate(someone, to), 422, 'DELEGATE_NOT_ELIGIBLE');
    expectProblem(await delegate(someone, someone), 422, 'DELEGATE_NOT_ELIGIBLE');
  });

  it('refuses ranges that end before they start, last over a year or are over (422 DELEGATION_RANGE_INVALID)', async () => {
    const someone = await t.given.user(org, 'manager');
    expectProblem(await delegate(someone, carol, day(3), day(2)), 422, 'DELEGATION_RANGE_INVALID');
    expectProblem(await delegate(someone, carol, day(1), day(400)), 422, 'DELEGATION_RANGE_INVALID');
    expectProblem(await delegate(someone, carol, day(-5), day(-1)), 422, 'DELEGATION_RANGE_INVALID');
    expectProblem(
      await t.as(someone).post('/users/me/delegations', { delegate_id: carol.id, starts_on: 'soon', ends_on: today }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('lets an admin delegate, list and revoke for a user; revoking ends what the delegate decides', async () => {
    const dave = await t.given.user(org, 'manager');
    const report = await t.given.user(org, 'employee', { manager_id: dave.id });
    const created = (
      await t
        .as(org.admin)
        .post(`/admin/users/${dave.id}/delegations`, {
          delegate_id: carol.id,
          starts_on: today,
          ends_on: day(3),
          reason: 'Out sick',
        })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ delegator_id: dave.id, created_by: org.admin.id, reason: 'Out sick' });
    const listed = (await t.as(org.admin).get(`/admin/users/${dave.id}/delegations`).expect(200)).body;
    expect(listed.items.map((d: { id: string }) => d.id)).toEqual([created.id]);
    expect((await t.as(dave).get('/users/me/delegations').expect(200)).body.total).toBe(1);
    expect(
      (await t.as(carol).get('/users/me/delegations').expect(200)).body.items.map((d: { id: string }) => d.id),
    ).toContain(created.id);

    const spend = await spendOf(report);
    const advance = (
      await t.as(report).post('/advances', { amount: '300.00', currency: 'USD', purpose: 'Client visit' }).expect(201)
    ).body as { id: string; status: string };
    expect(advance.status).toBe('requested');
    await t.as(carol).get(`/spends/${spend.id}`).expect(200);
    await t.as(carol).get(`/advances/${advance.id}`).expect(200);
    const revoked = (await t.as(org.admin).delete(`/admin/users/${dave.id}/delegations/${created.id}`).expect(200))
      .body;
    // Revoked: the delegate no longer decides, nor reads, what they did not decide.
    expectProblem(await t.as(carol).get(`/spends/${spend.id}`), 404, 'SPEND_NOT_FOUND');
    expectProblem(await t.as(carol).get(`/advances/${advance.id}`), 404, 'ADVANCE_NOT_FOUND');
    expect(revoked).toMatchObject({ active: false });
    expect(revoked.revoked_at).not.toBeNull();
    expectProblem(
      await t.as(carol).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }),
      403,
      'NOT_APPROVER',
    );
    const audited = (await t.as(org.admin).get(`/audit-logs?entity_id=${created.id}`).expect(200)).body.items;
    expect(audited.map((e: { action: string }) => e.action)).toContain('approval_delegation.revoked');

    // A delegation is revoked by its delegator (or an admin), not by the delegate.
    const again = (await delegate(dave, carol).expect(201)).body;
    expectProblem(await t.as(carol).delete(`/users/me/delegations/${again.id}`), 404, 'DELEGATION_NOT_FOUND');
  });

  it("answers 404 for another organization's user or delegation", async () => {
    expectProblem(
      await t.as(org.admin).post(`/admin/users/${stranger.id}/delegations`, {
        delegate_id: carol.id,
        starts_on: today,
        ends_on: day(1),
      }),
      404,
      'DELEGATOR_NOT_FOUND',
    );
    expectProblem(await t.as(org.admin).get(`/admin/users/${stranger.id}/delegations`), 404, 'DELEGATOR_NOT_FOUND');
    const theirs = (
      await t
        .as(other.admin)
        .post(`/admin/users/${stranger.id}/delegations`, {
          delegate_id: other.admin.id,
          starts_on: today,
          ends_on: day(1),
        })
        .expect(201)
    ).body;
    expectProblem(await t.as(alice).delete(`/users/me/delegations/${theirs.id}`), 404, 'DELEGATION_NOT_FOUND');
  });

  describe('admin reassignment', () => {
    let leaver: TestUser;
    let successor: TestUser;
    let report: TestUser;
    let subordinateManager: TestUser;
    const reassign = (body: object, as: TestUser = org.admin) => t.as(as).post('/admin/approvals/reassign', body);

    beforeAll(async () => {
      leaver = await t.given.user(org, 'manager');
      successor = await t.given.user(org, 'manager');
      report = await t.given.user(org, 'employee', { manager_id: leaver.id });
      subordinateManager = await t.given.user(org, 'manager', { manager_id: leaver.id });
    });

    it('moves named steps with a reason: audited, the new approver told and deciding', async () => {
      const spend = await spendOf(report);
      const step = spend.approvals[0].id;
      expect(
        (await reassign({ approval_ids: [step], to_user_id: successor.id, reason: 'Left the company' }).expect(200))
          .body,
      ).toEqual({ reassigned: 1, approval_ids: [step] });
      const [entry] = (
        await t.as(org.admin).get(`/audit-logs?entity_id=${step}&action=approval.reassigned`).expect(200)
      ).body.items;
      expect(entry.metadata).toMatchObject({
        from_user_id: leaver.id,
        to_user_id: successor.id,
        reason: 'Left the company',
      });
      await until(async () => {
        const page = await t.as(successor).get('/notifications?limit=100').expect(200);
        return (page.body.items as Array<{ type: string; entity_id: string }>).find(
          (n) => n.type === 'approval.assigned' && n.entity_id === step,
        );
      }, 'approval.assigned for the new approver');
      expectProblem(await t.as(leaver).post(`/approvals/${step}/decision`, { approved: true }), 403, 'NOT_APPROVER');
      await t.as(successor).post(`/approvals/${step}/decision`, { approved: true }).expect(200);
      expectProblem(
        await reassign({ approval_ids: [step], to_user_id: carol.id, reason: 'Too late' }),
        409,
        'REASSIGNMENT_CONFLICT',
      );
    });

    it('moves every open step of a user, and refuses (moving nothing) a step to its owner', async () => {
      const first = await spendOf(report);
      const own = await spendOf(subordinateManager);
      expectProblem(
        await reassign({ from_user_id: leaver.id, to_user_id: subordinateManager.id, reason: 'Reorg' }),
        409,
        'REASSIGNMENT_CONFLICT',
      );
      const still = (await t.as(report).get(`/spends/${first.id}`).expect(200)).body.approvals[0];
      expect(still.approver.user_id).toBe(leaver.id);
      const moved = (await reassign({ from_user_id: leaver.id, to_user_id: successor.id, reason: 'Reorg' }).expect(200))
        .body;
      expect(moved.approval_ids).toEqual(expect.arrayContaining([first.approvals[0].id, own.approvals[0].id]));
      expect(
        (await t.as(successor).get('/approvals?status=pending').expect(200)).body.items.map(
          (a: { id: string }) => a.id,
        ),
      ).toEqual(expect.arrayContaining([first.approvals[0].id, own.approvals[0].id]));
    });

    it('refuses an ineligible approver (422), an unclear selection (422), a foreign step (404) and non-admins (403, 401)', async () => {
      const spend = await spendOf(report);
      const step = spend.approvals[0].id;
      const body = { approval_ids: [step], to_user_id: successor.id, reason: 'Cover' };
      expectProblem(await reassign({ ...body, to_user_id: employee.id }), 422, 'APPROVER_NOT_ELIGIBLE');
      expectProblem(await reassign({ ...body, to_user_id: stranger.id }), 422, 'APPROVER_NOT_ELIGIBLE');
      expectProblem(await reassign({ ...body, from_user_id: leaver.id }), 422, 'REASSIGNMENT_SELECTION_INVALID');
      expectProblem(
        await reassign({ to_user_id: successor.id, reason: 'Cover' }),
        422,
        'REASSIGNMENT_SELECTION_INVALID',
      );
      expectProblem(await reassign({ ...body, reason: '' }), 422, 'VALIDATION_FAILED');
      expectProblem(await reassign({ ...body, approval_ids: [] }), 422, 'VALIDATION_FAILED');
      await t
        .as(other.admin)
        .post('/policies', {
          name: 'Admin approves',
          rules: [
            {
              id: 'admin',
              condition: { amount_gt: 0 },
              action: { type: 'require_approval', approver: 'admin' },
              priority: 1,
            },
          ],
        })
        .expect(201);
      const theirs = await spendOf(stranger);
      expectProblem(await reassign({ ...body, approval_ids: [theirs.approvals[0].id] }), 404, 'APPROVAL_NOT_FOUND');
      expectProblem(await reassign(body, leaver), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await request(t.http).post('/api/v1/admin/approvals/reassign').send(body),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      const unmoved = (await t.as(report).get(`/spends/${spend.id}`).expect(200)).body.approvals[0];
      expect(unmoved.approver.user_id).toBe(leaver.id);
    });
  });

  it('refuses the admin routes to an employee (403) and every route without a token (401)', async () => {
    expectProblem(await t.as(employee).get(`/admin/users/${alice.id}/delegations`), 403, 'INSUFFICIENT_PERMISSIONS');
    expectProblem(
      await t
        .as(alice)
        .post(`/admin/users/${bob.id}/delegations`, { delegate_id: carol.id, starts_on: today, ends_on: today }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectProblem(await request(t.http).get('/api/v1/users/me/delegations'), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(await request(t.http).post('/api/v1/users/me/delegations').send({}), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(
      await request(t.http).get(`/api/v1/admin/users/${alice.id}/delegations`),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });
});
