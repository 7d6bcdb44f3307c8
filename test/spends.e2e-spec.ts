import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The core workflow: a spend is created, the policies decide, approvers decide in order,
 * finance pays; with every refusal on the way.
 */
describe('Spends, policies and approvals', () => {
  let t: TestApp;
  let org: TestOrganization;
  let admin: TestUser;
  let manager: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let finance: TestUser;
  let outsider: TestOrganization;
  const today = new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Acme');
    admin = org.admin;
    manager = await t.given.user(org, 'manager');
    employee = await t.given.user(org, 'employee', { manager_id: manager.id });
    colleague = await t.given.user(org, 'employee', { manager_id: manager.id });
    finance = await t.given.user(org, 'finance');
    outsider = await t.given.organization('Other Co');
  });
  afterAll(() => t.close());

  const spend = (user: TestUser, body: object) =>
    t.as(user).post('/spends', { amount: '42.00', currency: 'USD', spend_date: today, merchant: 'Cafe', ...body });
  const removePolicy = (id: string) =>
    request(t.http).delete(`/api/v1/policies/${id}`).set(bearer(admin.accessToken)).expect(200);
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].count);

  describe('money and exchange rates', () => {
    it('approves a spend no policy objects to, with amounts as decimal strings in the base currency', async () => {
      const response = await spend(employee, { amount: 12.5 }).expect(201);
      expect(response.body).toMatchObject({
        status: 'approved',
        amount: '12.50',
        currency: 'USD',
        base_amount: '12.50',
        base_currency: 'USD',
        exchange_rate: '1',
        user_id: employee.id,
        organization_id: org.id,
        source: 'manual',
        receipts: [],
        approvals: [],
        flags: [],
        policy_evaluation: { decision: 'approved', matched_rules: [] },
      });
      const [row] = await t.dataSource.query(`SELECT amount_minor, base_amount_minor FROM spends WHERE id = $1`, [
        response.body.id,
      ]);
      expect(row).toEqual({ amount_minor: '1250', base_amount_minor: '1250' });
    });

    it('refuses a foreign currency without a rate with 422 EXCHANGE_RATE_MISSING and stores nothing', async () => {
      const before = await count(`SELECT count(*) FROM spends`);
      expectProblem(await spend(employee, { currency: 'GBP', amount: '10.00' }), 422, 'EXCHANGE_RATE_MISSING');
      expect(await count(`SELECT count(*) FROM spends`)).toBe(before);
    });

    it('converts at the latest rate on or before the spend date, at most 7 days older', async () => {
      await t.given.rate(admin, 'EUR', '1.0823', daysAgo(10));
      await t.given.rate(admin, 'EUR', '1.1000', daysAgo(3));
      const recent = await spend(employee, { currency: 'EUR', amount: '100.00', spend_date: daysAgo(1) }).expect(201);
      expect(recent.body).toMatchObject({ amount: '100.00', base_amount: '110.00', exchange_rate: '1.1' });
      const older = await spend(employee, { currency: 'EUR', amount: '100.00', spend_date: daysAgo(9) }).expect(201);
      expect(older.body).toMatchObject({ base_amount: '108.23', exchange_rate: '1.0823' });
      expectProblem(
        await spend(employee, { currency: 'EUR', amount: '100.00', spend_date: daysAgo(30) }),
        422,
        'EXCHANGE_RATE_MISSING',
      );
    });

    it('uses ISO-4217 minor digits: whole yen, cents, three-decimal dinars', async () => {
      await t.given.rate(admin, 'JPY', '0.0066', today);
      const yen = await spend(employee, { currency: 'JPY', amount: '1200' }).expect(201);
      expect(yen.body).toMatchObject({ amount: '1200', base_amount: '7.92' });
      const bad = await spend(employee, { currency: 'JPY', amount: '12.5' });
      expectProblem(bad, 422, 'VALIDATION_FAILED');
      expect(bad.body.errors).toEqual([{ field: 'amount', message: 'JPY has no minor units; send a whole amount' }]);
      expectProblem(await spend(employee, { amount: '1.234' }), 422, 'VALIDATION_FAILED');
    });

    it.each([
      [{ amount: '0' }, 'amount'],
      [{ amount: '-5' }, 'amount'],
      [{ amount: '1e3' }, 'amount'],
      [{ currency: 'XAU' }, 'currency'],
      [{ currency: 'usd' }, 'currency'],
      [{ spend_date: '2026-02-30' }, 'spend_date'],
      [{ spend_date: '2999-01-01' }, 'spend_date'],
      [{ source: 'telepathy' }, 'source'],
      [{ colour: 'red' }, 'colour'],
    ])('refuses %j with 422 naming %s', async (body, field) => {
      const response = await spend(employee, body);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it("refuses references to another organization's records with 422 INVALID_REFERENCE", async () => {
      const foreign = await request(t.http)
        .post('/api/v1/categories')
        .set(bearer(outsider.admin.accessToken))
        .send({ name: 'Theirs' })
        .expect(201);
      const response = await spend(employee, { category_id: foreign.body.id });
      expectProblem(response, 422, 'INVALID_REFERENCE');
      expect(response.body.errors).toEqual([
        { field: 'category_id', message: 'must name an active category of this organization' },
      ]);
    });
  });

  describe('approval chains', () => {
    let highValue: { id: string; version: number };
    beforeAll(async () => {
      highValue = await t.given.policy(
        admin,
        [
          {
            id: 'big',
            condition: { amount_gt: 500 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 1,
          },
          {
            id: 'huge',
            condition: { amount_gt: 5000 },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 2,
          },
        ],
        { name: 'HighValue' },
      );
    });
    afterAll(() => removePolicy(highValue.id));

    it("routes a spend over the limit to the manager, explains why, and the manager's approval approves it; finance pays", async () => {
      const created = await spend(employee, { amount: '650.00' }).expect(201);
      expect(created.body.status).toBe('pending_approval');
      expect(created.body.policy_evaluation).toMatchObject({
        decision: 'pending_approval',
        matched_rules: [
          {
            policy_id: highValue.id,
            policy_version: 1,
            rule_id: 'big',
            priority: 1,
            action: { type: 'require_approval', approver: 'manager' },
            reason: 'amount 650 > 500',
          },
        ],
        policies: [{ policy_id: highValue.id, version: 1 }],
      });
      expect(created.body.approvals).toEqual([
        expect.objectContaining({
          step: 1,
          round: 1,
          status: 'pending',
          approver: { user_id: manager.id, role: null },
          requirement: 'manager',
        }),
      ]);

      const inbox = await t.as(manager).get('/approvals').expect(200);
      const step = inbox.body.items.find((a: { spend_id: string }) => a.spend_id === created.body.id);
      expect(step).toBeDefined();
      const decision = await t.as(manager).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);
      expect(decision.body).toEqual({
        status: 'ok',
        subject_type: 'spend',
        subject_id: created.body.id,
        subject_status: 'approved',
        spend_status: 'approved',
      });
      expect(step).toMatchObject({ subject_type: 'spend', subject_id: created.body.id, spend_id: created.body.id });

      const paid = await t.as(finance).post(`/spends/${created.body.id}/pay`, { reference: 'SEPA-42' }).expect(200);
      expect(paid.body).toMatchObject({ status: 'paid', payment_reference: 'SEPA-42', paid_at: expect.any(String) });
      expectProblem(await t.as(finance).post(`/spends/${created.body.id}/pay`), 409, 'SPEND_NOT_PAYABLE');

      const actions = (
        await t.dataSource.query(`SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY seq`, [created.body.id])
      ).map((r: { action: string }) => r.action);
      expect(actions).toEqual([
        'spend.created',
        'approval.requested',
        'spend.submitted',
        'spend.approved',
        'spend.paid',
      ]);
      const topics = (
        await t.dataSource.query(`SELECT topic FROM outbox WHERE payload->>'spend_id' = $1 ORDER BY id`, [
          created.body.id,
        ])
      ).map((r: { topic: string }) => r.topic);
      expect(topics).toEqual(['approval.assigned', 'spend.submitted', 'spend.approved', 'spend.paid']);
    });

    it('decides steps in order: manager first, then finance', async () => {
      const created = await spend(employee, { amount: '6000.00' }).expect(201);
      const [first, second] = created.body.approvals;
      expect([first.status, second.status]).toEqual(['pending', 'waiting']);
      expect(second.approver).toEqual({ user_id: null, role: 'finance' });
      expectProblem(
        await t.as(finance).post(`/approvals/${second.id}/decision`, { approved: true }),
        409,
        'APPROVAL_NOT_CURRENT',
      );
      expect(
        (await t.as(manager).post(`/approvals/${first.id}/decision`, { approved: true }).expect(200)).body.spend_status,
      ).toBe('pending_approval');
      const financeInbox = await t.as(finance).get('/approvals').expect(200);
      expect(financeInbox.body.items.map((a: { id: string }) => a.id)).toContain(second.id);
      expect(
        (await t.as(finance).post(`/approvals/${second.id}/decision`, { approved: true, comment: 'ok' }).expect(200))
          .body.spend_status,
      ).toBe('approved');
      expectProblem(
        await t.as(finance).post(`/approvals/${second.id}/decision`, { approved: true }),
        409,
        'APPROVAL_ALREADY_DECIDED',
      );
    });

    it('needs a comment to reject; a rejection ends the chain; the owner edits and resubmits in a new round', async () => {
      const created = await spend(employee, { amount: '6000.00' }).expect(201);
      const [first, second] = created.body.approvals;
      expectProblem(
        await t.as(manager).post(`/approvals/${first.id}/decision`, { approved: false }),
        422,
        'COMMENT_REQUIRED',
      );
      const rejected = await t
        .as(manager)
        .post(`/approvals/${first.id}/decision`, { approved: false, comment: 'Split it please' })
        .expect(200);
      expect(rejected.body.spend_status).toBe('rejected');
      const after = await t.as(employee).get(`/spends/${created.body.id}`).expect(200);
      expect(after.body.status).toBe('rejected');
      expect(after.body.approvals.map((a: { status: string }) => a.status)).toEqual(['rejected', 'cancelled']);
      expect(second.id).toBe(after.body.approvals[1].id);

      const edited = await t
        .as(employee)
        .patch(`/spends/${created.body.id}`, { amount: '600.00', currency: 'USD' })
        .expect(200);
      expect(edited.body).toMatchObject({ status: 'rejected', amount: '600.00' });
      const resubmitted = await t.as(employee).post(`/spends/${created.body.id}/submit`).expect(200);
      expect(resubmitted.body.status).toBe('pending_approval');
      expect(
        resubmitted.body.approvals.map((a: { round: number; status: string }) => `${a.round}:${a.status}`),
      ).toEqual(['1:rejected', '1:cancelled', '2:pending']);
    });

    it('takes exactly one of two simultaneous decisions on one step; the other gets 409', async () => {
      const created = await spend(colleague, { amount: '700.00' }).expect(201);
      const stepId = created.body.approvals[0].id;
      const answers = await Promise.all([
        t.as(manager).post(`/approvals/${stepId}/decision`, { approved: true }),
        t.as(manager).post(`/approvals/${stepId}/decision`, { approved: false, comment: 'no' }),
        t.as(manager).post(`/approvals/${stepId}/decision`, { approved: true }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
      for (const answer of answers.filter((a) => a.status === 409))
        expectProblem(answer, 409, 'APPROVAL_ALREADY_DECIDED');
      expect(await count(`SELECT count(*) FROM approvals WHERE id = $1 AND decided_by IS NOT NULL`, [stepId])).toBe(1);
    });

    it('falls back to finance when the owner has no manager, and says so', async () => {
      const loner = await t.given.user(org, 'employee');
      const created = await spend(loner, { amount: '900.00' }).expect(201);
      expect(created.body.approvals[0]).toMatchObject({
        approver: { user_id: null, role: 'finance' },
        note: 'manager: the owner has no manager; falls back to finance',
      });
      expect(created.body.policy_evaluation.approvers[0].note).toContain('falls back to finance');
    });

    it('refuses self-approval with 403 SELF_APPROVAL_FORBIDDEN, and lets another finance user decide', async () => {
      const created = await spend(finance, { amount: '900.00' }).expect(201);
      const step = created.body.approvals[0];
      expect(step.approver).toEqual({ user_id: null, role: 'finance' });
      expectProblem(
        await t.as(finance).post(`/approvals/${step.id}/decision`, { approved: true }),
        403,
        'SELF_APPROVAL_FORBIDDEN',
      );
      expect(
        (await t.as(finance).get('/approvals').expect(200)).body.items.map((a: { id: string }) => a.id),
      ).not.toContain(step.id);
      await t.as(admin).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);
    });

    it('refuses a decision by someone else (403 NOT_APPROVER) and from another organization (404)', async () => {
      const created = await spend(employee, { amount: '800.00' }).expect(201);
      const stepId = created.body.approvals[0].id;
      expectProblem(
        await t.as(colleague).post(`/approvals/${stepId}/decision`, { approved: true }),
        403,
        'NOT_APPROVER',
      );
      expectProblem(await t.as(finance).post(`/approvals/${stepId}/decision`, { approved: true }), 403, 'NOT_APPROVER');
      expectProblem(
        await t.as(outsider.admin).post(`/approvals/${stepId}/decision`, { approved: true }),
        404,
        'APPROVAL_NOT_FOUND',
      );
      expectProblem(
        await t.as(manager).post(`/approvals/not-a-uuid/decision`, { approved: true }),
        422,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await t.as(manager).post(`/approvals/${stepId}/decision`, { approved: 'yes' }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('keeps naming the policy version a spend was evaluated with after the policy changes', async () => {
      const created = await spend(employee, { amount: '550.00' }).expect(201);
      await t
        .as(admin)
        .patch(`/policies/${highValue.id}`, {
          rules: [
            {
              id: 'big',
              condition: { amount_gt: 400 },
              action: { type: 'require_approval', approver: 'manager' },
              priority: 1,
            },
          ],
        })
        .expect(200);
      const later = await t.as(employee).get(`/spends/${created.body.id}`).expect(200);
      expect(later.body.policy_evaluation.matched_rules[0]).toMatchObject({
        policy_version: 1,
        reason: 'amount 550 > 500',
      });
      const next = await spend(employee, { amount: '450.00' }).expect(201);
      expect(next.body.policy_evaluation.matched_rules[0]).toMatchObject({ policy_version: 2 });
      const [version1] = await t.dataSource.query(
        `SELECT rules FROM policy_versions WHERE policy_id = $1 AND version = 1`,
        [highValue.id],
      );
      expect(version1.rules[0].condition).toEqual({ amount_gt: 500 });
    });
  });

  describe('blocks, flags and duplicates', () => {
    it("blocks a spend a policy forbids, with the policy's message; a blocked spend cannot be withdrawn", async () => {
      const rule = await t.given.policy(
        admin,
        [
          {
            condition: { merchant_contains: 'casino' },
            action: { type: 'block', message: 'Gambling is never reimbursed' },
            priority: 0,
          },
        ],
        { name: 'NoCasinos' },
      );
      try {
        const created = await spend(employee, { merchant: 'Grand Casino Baden' }).expect(201);
        expect(created.body).toMatchObject({
          status: 'blocked',
          approvals: [],
          policy_evaluation: { decision: 'blocked', block_message: 'Gambling is never reimbursed' },
        });
        expectProblem(await t.as(employee).post(`/spends/${created.body.id}/cancel`), 409, 'SPEND_NOT_CANCELLABLE');
      } finally {
        await removePolicy(rule.id);
      }
    });

    it('flags a likely double submission duplicate_suspected, and a policy can route on it', async () => {
      const rule = await t.given.policy(
        admin,
        [
          {
            condition: { flags_contains: 'duplicate_suspected' },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 5,
          },
        ],
        { name: 'Duplicates' },
      );
      try {
        const body = { amount: '19.99', merchant: 'Taxi Berlin', spend_date: daysAgo(2) };
        const first = await spend(colleague, body).expect(201);
        expect(first.body).toMatchObject({ status: 'approved', flags: [] });
        const second = await spend(colleague, { ...body, merchant: 'TAXI BERLIN' }).expect(201);
        expect(second.body).toMatchObject({ status: 'pending_approval', flags: ['duplicate_suspected'] });
        expect(second.body.approvals[0].approver).toEqual({ user_id: null, role: 'finance' });
        const other = await spend(colleague, { ...body, amount: '20.00' }).expect(201);
        expect(other.body.flags).toEqual([]);
      } finally {
        await removePolicy(rule.id);
      }
    });
  });

  describe('drafts, edits and withdrawals', () => {
    it('keeps a draft unevaluated, lets its owner edit and submit it, then refuses edits', async () => {
      const draft = await spend(employee, { draft: true, amount: '10.00' }).expect(201);
      expect(draft.body).toMatchObject({ status: 'draft', policy_evaluation: null, submitted_at: null });
      const edited = await t
        .as(employee)
        .patch(`/spends/${draft.body.id}`, { description: 'Team lunch', merchant: null })
        .expect(200);
      expect(edited.body).toMatchObject({ description: 'Team lunch', merchant: null, status: 'draft' });
      const submitted = await t.as(employee).post(`/spends/${draft.body.id}/submit`).expect(200);
      expect(submitted.body.status).toBe('approved');
      expectProblem(
        await t.as(employee).patch(`/spends/${draft.body.id}`, { description: 'Changed' }),
        409,
        'SPEND_NOT_EDITABLE',
      );
      expectProblem(await t.as(employee).post(`/spends/${draft.body.id}/submit`), 409, 'SPEND_NOT_SUBMITTABLE');
    });

    it('lets the owner withdraw a pending spend, cancelling its open steps', async () => {
      const rule = await t.given.policy(
        admin,
        [{ condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'manager' } }],
        { name: 'AllNeedManager' },
      );
      try {
        const created = await spend(employee, { amount: '30.00' }).expect(201);
        const cancelled = await t.as(employee).post(`/spends/${created.body.id}/cancel`).expect(200);
        expect(cancelled.body.status).toBe('cancelled');
        expect(cancelled.body.approvals[0].status).toBe('cancelled');
        expectProblem(await t.as(employee).post(`/spends/${created.body.id}/cancel`), 409, 'SPEND_NOT_CANCELLABLE');
        expectProblem(
          await t.as(manager).post(`/approvals/${created.body.approvals[0].id}/decision`, { approved: true }),
          409,
          'APPROVAL_ALREADY_DECIDED',
        );
      } finally {
        await removePolicy(rule.id);
      }
    });

    it('lets only the owner edit, submit or cancel (403 for a manager who can see it)', async () => {
      const draft = await spend(employee, { draft: true }).expect(201);
      expectProblem(
        await t.as(manager).patch(`/spends/${draft.body.id}`, { description: 'x' }),
        403,
        'NOT_SPEND_OWNER',
      );
      expectProblem(await t.as(manager).post(`/spends/${draft.body.id}/submit`), 403, 'NOT_SPEND_OWNER');
      expectProblem(await t.as(admin).post(`/spends/${draft.body.id}/cancel`), 403, 'NOT_SPEND_OWNER');
    });

    it('lets only finance pay, never their own spend, and only approved ones', async () => {
      const own = await spend(finance, { amount: '5.00' }).expect(201);
      expectProblem(await t.as(finance).post(`/spends/${own.body.id}/pay`), 403, 'SELF_PAYMENT_FORBIDDEN');
      const mine = await spend(employee, { amount: '5.00' }).expect(201);
      expectProblem(await t.as(employee).post(`/spends/${mine.body.id}/pay`), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await t.as(manager).post(`/spends/${mine.body.id}/pay`), 403, 'INSUFFICIENT_PERMISSIONS');
      const draft = await spend(employee, { draft: true }).expect(201);
      expectProblem(await t.as(finance).post(`/spends/${draft.body.id}/pay`), 409, 'SPEND_NOT_PAYABLE');
      expectProblem(
        await t.as(finance).post(`/spends/${mine.body.id}/pay`, { paid_at: 'yesterday' }),
        422,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('visibility', () => {
    it('shows employees their own spends, managers their reporting line and led teams, finance everything; others get 404', async () => {
      const lead = await t.given.user(org, 'manager');
      const member = await t.given.user(org, 'employee');
      await t
        .as(admin)
        .post('/teams', { name: 'Field', lead_id: lead.id, member_ids: [member.id] })
        .expect(201);
      const memberSpend = await spend(member, { amount: '3.00' }).expect(201);
      const employeeSpend = await spend(employee, { amount: '4.00' }).expect(201);

      const ids = async (user: TestUser) => {
        const response = await t.as(user).get('/spends?limit=100').expect(200);
        return response.body.items.map((s: { id: string }) => s.id) as string[];
      };
      expect(await ids(employee)).toContain(employeeSpend.body.id);
      expect(await ids(employee)).not.toContain(memberSpend.body.id);
      expect(await ids(manager)).toEqual(expect.arrayContaining([employeeSpend.body.id]));
      expect(await ids(manager)).not.toContain(memberSpend.body.id);
      expect(await ids(lead)).toContain(memberSpend.body.id);
      expect(await ids(lead)).not.toContain(employeeSpend.body.id);
      expect(await ids(finance)).toEqual(expect.arrayContaining([employeeSpend.body.id, memberSpend.body.id]));

      expectProblem(await t.as(colleague).get(`/spends/${employeeSpend.body.id}`), 404, 'SPEND_NOT_FOUND');
      expectProblem(await t.as(outsider.admin).get(`/spends/${employeeSpend.body.id}`), 404, 'SPEND_NOT_FOUND');
      expectProblem(await t.as(outsider.admin).post(`/spends/${employeeSpend.body.id}/pay`), 404, 'SPEND_NOT_FOUND');
      await t.as(manager).get(`/spends/${employeeSpend.body.id}`).expect(200);
      await t.as(lead).get(`/spends/${memberSpend.body.id}`).expect(200);
    });

    it('filters and pages the list with total and a keyset cursor, newest spend_date first', async () => {
      const walker = await t.given.user(org, 'employee');
      for (let day = 1; day <= 7; day++)
        await spend(walker, { amount: `${day}.00`, spend_date: daysAgo(day) }).expect(201);
      const first = await t.as(walker).get('/spends?limit=3').expect(200);
      expect(first.body.total).toBe(7);
      expect(first.body.items.map((s: { spend_date: string }) => s.spend_date)).toEqual([
        daysAgo(1),
        daysAgo(2),
        daysAgo(3),
      ]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await t
          .as(walker)
          .get(`/spends?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen.push(...page.body.items.map((s: { id: string }) => s.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(7);
      const bounded = await t
        .as(walker)
        .get(`/spends?from=${daysAgo(5)}&to=${daysAgo(3)}&status=approved`)
        .expect(200);
      expect(bounded.body.total).toBe(3);
      expectProblem(await t.as(walker).get('/spends?status=lost'), 422, 'VALIDATION_FAILED');
      expectProblem(await t.as(walker).get('/spends?cursor=garbage'), 422, 'INVALID_CURSOR');
    });
  });

  describe('idempotency and simulation', () => {
    it('creates exactly one spend for concurrent requests with one Idempotency-Key, and replays it', async () => {
      const body = { amount: '77.00', currency: 'USD', spend_date: today, merchant: 'Idempotent Inc' };
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          request(t.http)
            .post('/api/v1/spends')
            .set(bearer(colleague.accessToken))
            .set('Idempotency-Key', 'spend-key-1')
            .send(body),
        ),
      );
      const created = answers.filter((a) => a.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const answer of answers.filter((a) => a.status !== 201))
        expectProblem(answer, 409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
      expect(await count(`SELECT count(*) FROM spends WHERE merchant = 'Idempotent Inc'`)).toBe(1);

      const replay = await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(colleague.accessToken))
        .set('Idempotency-Key', 'spend-key-1')
        .send(body)
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(created[0].body.id);
      const reused = await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(colleague.accessToken))
        .set('Idempotency-Key', 'spend-key-1')
        .send({ ...body, amount: '78.00' });
      expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
      // Keys belong to their user: another user's same key is a new request.
      await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(employee.accessToken))
        .set('Idempotency-Key', 'spend-key-1')
        .send(body)
        .expect(201);
    });

    it('simulates the evaluation a spend would get for a user, storing nothing', async () => {
      const rule = await t.given.policy(
        admin,
        [{ id: 'sim', condition: { amount_gte: 100 }, action: { type: 'require_approval', approver: 'manager' } }],
        { name: 'Simulated' },
      );
      try {
        const spends = await count(`SELECT count(*) FROM spends`);
        const approvals = await count(`SELECT count(*) FROM approvals`);
        const response = await t
          .as(finance)
          .post('/policies/simulate', { amount: '150.00', currency: 'USD', spend_date: today, user_id: employee.id })
          .expect(200);
        expect(response.body).toMatchObject({
          decision: 'pending_approval',
          base_amount: '150.00',
          base_currency: 'USD',
          matched_rules: [expect.objectContaining({ rule_id: 'sim', policy_id: rule.id })],
          approvers: [{ step: 1, requirement: 'manager', user_id: manager.id, role: null, note: null }],
        });
        expect(await count(`SELECT count(*) FROM spends`)).toBe(spends);
        expect(await count(`SELECT count(*) FROM approvals`)).toBe(approvals);
        expectProblem(
          await t.as(employee).post('/policies/simulate', { amount: '1.00', currency: 'USD', spend_date: today }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(
          await t.as(finance).post('/policies/simulate', {
            amount: '1.00',
            currency: 'USD',
            spend_date: today,
            user_id: outsider.admin.id,
          }),
          422,
          'INVALID_REFERENCE',
        );
      } finally {
        await removePolicy(rule.id);
      }
    });
  });
});
