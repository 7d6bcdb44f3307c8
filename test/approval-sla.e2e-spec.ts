import { ApprovalSlaSweep } from '../src/approvals/sla-sweep';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface Step {
  id: string;
  status: string;
  approver: { user_id: string | null; role: string | null };
}
interface Notice {
  type: string;
  entity_type: string;
  entity_id: string;
  title: string;
  body: string;
}

const MANAGER_APPROVES = [
  {
    id: 'manager',
    condition: { amount_gt: 0 },
    action: { type: 'require_approval', approver: 'manager' },
    priority: 1,
  },
];

/**
 * Approval reminders, escalation and auto-reject (docs/approvals-sla.md): settings per
 * organization, a sweep run here at a chosen moment (the suite's own app sweeps on no timer),
 * steps made overdue by moving their pending_since back. Each scenario has an organization of
 * its own, since a sweep serves every organization of the installation.
 */
describe('Approval SLA', () => {
  let t: TestApp;
  let sweep: (now?: Date) => ReturnType<ApprovalSlaSweep['sweep']>;

  beforeAll(async () => {
    t = await createTestApp({ APPROVAL_SLA_SWEEP_SECONDS: '0' });
    const sweeper = t.app.get(ApprovalSlaSweep);
    sweep = (now) => sweeper.sweep(now);
  });
  afterAll(() => t.close());

  /** An organization whose spends its employees' managers approve, with the SLA `settings` (none: off). */
  const organization = async (settings?: object) => {
    const org = await t.given.organization();
    await t.given.policy(org.admin, MANAGER_APPROVES);
    if (settings) await t.as(org.admin).put('/organization/approval-sla', settings).expect(200);
    return org;
  };
  const spendOf = async (owner: TestUser) =>
    (
      await t
        .as(owner)
        .post('/spends', { amount: '80.00', currency: 'USD', spend_date: '2026-08-13', merchant: 'Train' })
        .expect(201)
    ).body as { id: string; approvals: Step[] };
  /**
   * Makes the step look pending for `hours` already, under settings saved long before (deadlines
   * count from the later of the two: test/approval-sla-clocks covers a recent change).
   */
  const pendingFor = async (approvalId: string, hours: number) => {
    await t.dataSource.query(`UPDATE approvals SET pending_since = now() - $2 * interval '1 hour' WHERE id = $1`, [
      approvalId,
      hours,
    ]);
    await t.dataSource.query(
      `UPDATE approval_sla_settings SET deadlines_changed_at = now() - interval '400 days'
       WHERE organization_id = (SELECT organization_id FROM approvals WHERE id = $1)`,
      [approvalId],
    );
  };
  const step = async (approvalId: string) =>
    (
      (await t.dataSource.query(
        `SELECT status, approver_user_id, approver_role, note, comment, decided_by, reminded_at, escalated_at FROM approvals WHERE id = $1`,
        [approvalId],
      )) as Array<Record<string, unknown>>
    )[0];
  const audited = async (approvalId: string, action: string) =>
    (await t.dataSource.query(
      `SELECT actor_id AS user_id, metadata FROM audit_logs WHERE entity_id = $1 AND action = $2`,
      [approvalId, action],
    )) as Array<{ user_id: string | null; metadata: Record<string, unknown> }>;
  const inbox = async (user: TestUser) =>
    (await t.as(user).get('/notifications?limit=100').expect(200)).body.items as Notice[];
  const told = (user: TestUser, type: string, approvalId: string) =>
    until(
      async () => (await inbox(user)).find((n) => n.type === type && n.entity_id === approvalId),
      `${type} for ${user.email}`,
    );
  /**
   * The outbox rows of a topic about a step, and the notifications of that type about it: one
   * row is one job, and a job writes each recipient's notification once (keyed by the row).
   */
  const announced = async (topic: string, approvalId: string) => {
    const [rows] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND payload->>'approval_id' = $2`,
      [topic, approvalId],
    );
    const [notes] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE type = $1 AND entity_id = $2`,
      [topic, approvalId],
    );
    return { outbox: rows.n as number, notifications: notes.n as number };
  };

  describe('settings', () => {
    let org: TestOrganization;
    let other: TestOrganization;
    beforeAll(async () => {
      org = await t.given.organization();
      other = await t.given.organization();
    });

    it('are off by default', async () => {
      const body = (await t.as(org.admin).get('/organization/approval-sla').expect(200)).body;
      expect(body).toEqual({
        remind_after_hours: null,
        escalate_after_hours: null,
        auto_reject_after_days: null,
        auto_reject_message: null,
        enabled: false,
        updated_at: null,
        deadlines_changed_at: null,
      });
    });

    it('are replaced by an admin, audited, and another organization keeps its own', async () => {
      const settings = {
        remind_after_hours: 24,
        escalate_after_hours: 72,
        auto_reject_after_days: 14,
        auto_reject_message: '  Not decided within 14 days  ',
      };
      const saved = (await t.as(org.admin).put('/organization/approval-sla', settings).expect(200)).body;
      expect(saved).toMatchObject({ ...settings, auto_reject_message: 'Not decided within 14 days', enabled: true });
      expect((await t.as(org.admin).get('/organization/approval-sla').expect(200)).body).toEqual(saved);
      const [entry] = await t.dataSource.query(
        `SELECT actor_id AS user_id, metadata FROM audit_logs WHERE organization_id = $1 AND action = 'approval_sla.updated'`,
        [org.id],
      );
      expect(entry.user_id).toBe(org.admin.id);
      expect(entry.metadata).toMatchObject({ before: { enabled: false }, after: { remind_after_hours: 24 } });

      expect((await t.as(other.admin).get('/organization/approval-sla').expect(200)).body.enabled).toBe(false);
      await t.as(other.admin).put('/organization/approval-sla', { remind_after_hours: 5 }).expect(200);
      expect((await t.as(org.admin).get('/organization/approval-sla').expect(200)).body.remind_after_hours).toBe(24);

      // A field left out is off.
      const off = (await t.as(org.admin).put('/organization/approval-sla', { remind_after_hours: 8 }).expect(200)).body;
      expect(off).toMatchObject({ remind_after_hours: 8, escalate_after_hours: null, auto_reject_after_days: null });
    });

    it.each([
      [{ remind_after_hours: 24, escalate_after_hours: 24 }, 'escalate_after_hours'],
      [{ escalate_after_hours: 48, auto_reject_after_days: 2, auto_reject_message: 'Late' }, 'auto_reject_after_days'],
      [{ remind_after_hours: 30, auto_reject_after_days: 1, auto_reject_message: 'Late' }, 'auto_reject_after_days'],
      [{ auto_reject_after_days: 3 }, 'auto_reject_message'],
      [{ auto_reject_message: 'Never used' }, 'auto_reject_message'],
    ])('refuses settings that contradict each other (422 APPROVAL_SLA_INVALID): %j', async (body, field) => {
      const before = (await t.as(org.admin).get('/organization/approval-sla').expect(200)).body;
      const refused = await t.as(org.admin).put('/organization/approval-sla', body);
      expectProblem(refused, 422, 'APPROVAL_SLA_INVALID');
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await t.as(org.admin).get('/organization/approval-sla').expect(200)).body).toEqual(before);
    });

    it.each([
      [{ remind_after_hours: 0 }, 'remind_after_hours'],
      [{ remind_after_hours: 721 }, 'remind_after_hours'],
      [{ escalate_after_hours: 1.5 }, 'escalate_after_hours'],
      [{ auto_reject_after_days: 366, auto_reject_message: 'x' }, 'auto_reject_after_days'],
      [{ auto_reject_after_days: 2, auto_reject_message: '' }, 'auto_reject_message'],
      [{ remind_after_hours: '24' }, 'remind_after_hours'],
    ])('refuses a value out of range or of the wrong type (422 VALIDATION_FAILED): %j', async (body, field) => {
      const refused = await t.as(org.admin).put('/organization/approval-sla', body);
      expectProblem(refused, 422, 'VALIDATION_FAILED');
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each(['employee', 'manager', 'finance', 'accountant'] as const)('is refused to a %s (403)', async (role) => {
      const user = await t.given.user(org, role);
      expectProblem(await t.as(user).get('/organization/approval-sla'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await t.as(user).put('/organization/approval-sla', { remind_after_hours: 1 }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
    });
  });

  it('does nothing while the settings are off, or before a deadline', async () => {
    const off = await organization();
    const manager = await t.given.user(off, 'manager');
    const employee = await t.given.user(off, 'employee', { manager_id: manager.id });
    const idle = (await spendOf(employee)).approvals[0].id;
    await pendingFor(idle, 5000);

    const on = await organization({ remind_after_hours: 24, escalate_after_hours: 48 });
    const onManager = await t.given.user(on, 'manager');
    const onEmployee = await t.given.user(on, 'employee', { manager_id: onManager.id });
    const fresh = (await spendOf(onEmployee)).approvals[0].id;
    await pendingFor(fresh, 23);

    await sweep();
    for (const id of [idle, fresh]) {
      expect(await step(id)).toMatchObject({ status: 'pending', reminded_at: null, escalated_at: null });
      expect(await audited(id, 'approval.reminded')).toEqual([]);
    }
    expect((await t.as(onManager).get('/approvals?overdue=true').expect(200)).body.total).toBe(0);
    expect((await t.as(manager).get('/approvals?overdue=true').expect(200)).body.total).toBe(0);
  });

  it('reminds the approver once, however often the sweep runs, and shows the step overdue', async () => {
    const org = await organization({ remind_after_hours: 24, escalate_after_hours: 72 });
    const manager = await t.given.user(org, 'manager', { full_name: 'Mary Major' });
    const employee = await t.given.user(org, 'employee', { manager_id: manager.id, full_name: 'Ann Smith' });
    const due = (await spendOf(employee)).approvals[0].id;
    const notYet = (await spendOf(employee)).approvals[0].id;
    await pendingFor(due, 25);
    await pendingFor(notYet, 2);

    await sweep();
    await sweep();
    expect(await step(due)).toMatchObject({ status: 'pending', approver_user_id: manager.id, escalated_at: null });
    expect((await step(due)).reminded_at).not.toBeNull();
    const entries = await audited(due, 'approval.reminded');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      user_id: null,
      metadata: { approver_user_id: manager.id, hours_pending: 25, reason: 'reminder' },
    });
    const notice = await told(manager, 'approval.reminded', due);
    expect(notice.title).toContain('Reminder: approval waiting 25 h');
    expect(notice.body).toContain("Ann Smith's spend Train");
    expect(await announced('approval.reminded', due)).toEqual({ outbox: 1, notifications: 1 });
    expect((await step(notYet)).reminded_at).toBeNull();

    const overdue = (await t.as(manager).get('/approvals?overdue=true').expect(200)).body;
    expect(overdue.items.map((a: { id: string }) => a.id)).toEqual([due]);
    expect(overdue.items[0]).toMatchObject({ reminded_at: expect.any(String), pending_since: expect.any(String) });
    expect((await t.as(manager).get('/approvals').expect(200)).body.total).toBe(2);
    expectProblem(await t.as(manager).get('/approvals?overdue=maybe'), 422, 'VALIDATION_FAILED');

    const dashboard = (await t.as(org.admin).get('/reports/dashboard').expect(200)).body.overdue_approvals;
    expect(dashboard).toMatchObject({
      count: 1,
      oldest_age_hours: expect.any(Number),
      by_approver: [{ approver_user_id: manager.id, approver_role: null, count: 1 }],
    });
    expect(dashboard.oldest_age_hours).toBeGreaterThanOrEqual(25);
    expect((await t.as(manager).get('/reports/dashboard').expect(200)).body.overdue_approvals.count).toBe(1);
    const colleague = await t.given.user(org, 'manager');
    expect((await t.as(colleague).get('/reports/dashboard').expect(200)).body.overdue_approvals.count).toBe(0);
  });

  describe('escalation', () => {
    it("moves an overdue step to the approver's manager, who may decide it; both are told", async () => {
      const org = await organization({ remind_after_hours: 4, escalate_after_hours: 8 });
      const boss = await t.given.user(org, 'manager', { full_name: 'Big Boss' });
      const manager = await t.given.user(org, 'manager', { manager_id: boss.id, full_name: 'Mary Major' });
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const spend = await spendOf(employee);
      const id = spend.approvals[0].id;
      await pendingFor(id, 9);

      expect(await sweep()).toMatchObject({ escalated: expect.any(Number) });
      await sweep();
      // Due for both: escalated, and not reminded first.
      expect(await step(id)).toMatchObject({
        status: 'pending',
        approver_user_id: boss.id,
        approver_role: null,
        reminded_at: null,
        note: 'Escalated after 9 hours pending (approval SLA)',
      });
      const entries = await audited(id, 'approval.escalated');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        user_id: null,
        metadata: { from_user_id: manager.id, to_user_id: boss.id, to_role: null, hours_pending: 9, hours_overdue: 1 },
      });
      expect((await told(boss, 'approval.escalated', id)).body).toContain(
        'waited 9 hours for Mary Major (step 1) and was escalated to you',
      );
      expect((await told(manager, 'approval.escalated', id)).body).toContain('was escalated to Big Boss');
      expect(await announced('approval.escalated', id)).toEqual({ outbox: 1, notifications: 2 });

      expectProblem(await t.as(manager).post(`/approvals/${id}/decision`, { approved: true }), 403, 'NOT_APPROVER');
      const decided = await t.as(boss).post(`/approvals/${id}/decision`, { approved: true }).expect(200);
      expect(decided.body).toMatchObject({ spend_status: 'approved' });
      // Decided: no later sweep touches it.
      await sweep();
      expect(await audited(id, 'approval.reminded')).toEqual([]);
    });

    it('moves it to finance when the approver has no manager, and finance decides it', async () => {
      const org = await organization({ escalate_after_hours: 8 });
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const finance = await t.given.user(org, 'finance');
      const id = (await spendOf(employee)).approvals[0].id;
      await pendingFor(id, 30);
      await sweep();
      expect(await step(id)).toMatchObject({ approver_user_id: null, approver_role: 'finance' });
      expect((await audited(id, 'approval.escalated'))[0].metadata).toMatchObject({ to_role: 'finance' });
      expect((await told(finance, 'approval.escalated', id)).body).toContain('escalated to you');
      expect((await told(manager, 'approval.escalated', id)).body).toContain('escalated to the finance role');
      const listed = (await t.as(finance).get('/approvals?overdue=true').expect(200)).body.items;
      expect(listed.map((a: { id: string }) => a.id)).toContain(id);
      await t.as(finance).post(`/approvals/${id}/decision`, { approved: true }).expect(200);
    });

    it("never moves it to the subject's owner: finance instead, or admin when the owner is finance", async () => {
      const org = await t.given.organization();
      const owner = await t.given.user(org, 'manager');
      const approver = await t.given.user(org, 'manager', { manager_id: owner.id });
      const financeOwner = await t.given.user(org, 'finance');
      const financeApprover = await t.given.user(org, 'manager', { manager_id: financeOwner.id });
      await t.given.policy(org.admin, [
        {
          id: 'big',
          condition: { amount_gt: 100 },
          action: { type: 'require_approval', approver: `user:${financeApprover.id}` },
          priority: 1,
        },
        {
          id: 'small',
          condition: { amount_lte: 100 },
          action: { type: 'require_approval', approver: `user:${approver.id}` },
          priority: 2,
        },
      ]);
      await t.as(org.admin).put('/organization/approval-sla', { escalate_after_hours: 1 }).expect(200);
      const small = (
        await t
          .as(owner)
          .post('/spends', { amount: '50.00', currency: 'USD', spend_date: '2026-08-13', merchant: 'Taxi' })
          .expect(201)
      ).body.approvals[0] as Step;
      expect(small.approver.user_id).toBe(approver.id);
      const big = (
        await t
          .as(financeOwner)
          .post('/spends', { amount: '500.00', currency: 'USD', spend_date: '2026-08-13', merchant: 'Hotel' })
          .expect(201)
      ).body.approvals[0] as Step;
      expect(big.approver.user_id).toBe(financeApprover.id);
      await pendingFor(small.id, 2);
      await pendingFor(big.id, 2);
      await sweep();
      expect(await step(small.id)).toMatchObject({ approver_user_id: null, approver_role: 'finance' });
      expect(await step(big.id)).toMatchObject({ approver_user_id: null, approver_role: 'admin' });
      // The owner, though finance, may still not decide their own.
      expectProblem(
        await t.as(financeOwner).post(`/approvals/${big.id}/decision`, { approved: true }),
        403,
        'SELF_APPROVAL_FORBIDDEN',
      );
      await t.as(org.admin).post(`/approvals/${big.id}/decision`, { approved: true }).expect(200);
    });

    it('moves a finance step to admin, and only reminds an admin step again', async () => {
      const org = await t.given.organization();
      await t.given.policy(org.admin, [
        { id: 'finance', condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'finance' } },
        { id: 'admin', condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'admin' } },
      ]);
      await t
        .as(org.admin)
        .put('/organization/approval-sla', { remind_after_hours: 1, escalate_after_hours: 2 })
        .expect(200);
      const finance = await t.given.user(org, 'finance');
      const employee = await t.given.user(org, 'employee');
      const [first, second] = (await spendOf(employee)).approvals;
      expect(first.approver.role).toBe('finance');
      await pendingFor(first.id, 3);
      await sweep();
      expect(await step(first.id)).toMatchObject({ approver_role: 'admin' });
      expect((await told(org.admin, 'approval.escalated', first.id)).body).toContain('escalated to you');
      expect((await told(finance, 'approval.escalated', first.id)).body).toContain('escalated to the admin role');

      const other = await t.given.user(org, 'admin');
      await t.as(other).post(`/approvals/${first.id}/decision`, { approved: true }).expect(200);
      await pendingFor(second.id, 3);
      await sweep();
      await sweep();
      expect(await step(second.id)).toMatchObject({ approver_role: 'admin', status: 'pending' });
      expect((await step(second.id)).escalated_at).not.toBeNull();
      expect(await audited(second.id, 'approval.escalated')).toEqual([]);
      const reminders = await audited(second.id, 'approval.reminded');
      expect(reminders.map((r) => r.metadata.reason)).toEqual(['escalation']);
      expect((await told(org.admin, 'approval.reminded', second.id)).body).toContain('no role stands above admin');
    });
  });

  describe('auto-reject', () => {
    it('rejects a spend through the path of a rejection, with the message as its comment', async () => {
      const org = await organization({ auto_reject_after_days: 2, auto_reject_message: 'Not decided in 2 days' });
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const spend = await spendOf(employee);
      const id = spend.approvals[0].id;
      await pendingFor(id, 47);
      await sweep();
      expect((await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body.status).toBe('pending_approval');

      await pendingFor(id, 49);
      await sweep();
      await sweep();
      const read = (await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body;
      expect(read.status).toBe('rejected');
      expect(read.approvals[0]).toMatchObject({
        status: 'rejected',
        decided_by: null,
        comment: 'Not decided in 2 days',
      });
      expect(await audited(id, 'approval.auto_rejected')).toHaveLength(1);
      const [decided] = await audited(id, 'approval.decided');
      expect(decided).toMatchObject({ user_id: null, metadata: { decision: 'rejected', automatic: 'auto_reject' } });
      const [spendEntry] = await t.dataSource.query(
        `SELECT actor_id AS user_id FROM audit_logs WHERE entity_id = $1 AND action = 'spend.rejected'`,
        [spend.id],
      );
      expect(spendEntry.user_id).toBeNull();
      const notice = await until(
        async () => (await inbox(employee)).find((n) => n.type === 'spend.rejected' && n.entity_id === spend.id),
        'spend.rejected for the owner',
      );
      expect(notice.body).toContain('Not decided in 2 days');
      expectProblem(
        await t.as(manager).post(`/approvals/${id}/decision`, { approved: true }),
        409,
        'APPROVAL_ALREADY_DECIDED',
      );
    });

    it("rejects an expense report and its lines; a later step's clock starts when it becomes pending", async () => {
      const org = await t.given.organization();
      await t.given.policy(org.admin, [
        {
          id: 'reports-need-manager',
          condition: { report_spend_count_gte: 1 },
          action: { type: 'require_approval', approver: 'manager' },
          priority: 1,
        },
        {
          id: 'big-trip',
          condition: { report_total_gt: 1000 },
          action: { type: 'require_approval', approver: 'finance' },
          priority: 2,
        },
      ]);
      await t
        .as(org.admin)
        .put('/organization/approval-sla', { auto_reject_after_days: 1, auto_reject_message: 'Expired' })
        .expect(200);
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      await t.given.user(org, 'finance');
      const report = (
        await t
          .as(employee)
          .post('/expense-reports', { title: 'Berlin', starts_on: '2026-03-02', ends_on: '2026-03-04' })
          .expect(201)
      ).body as { id: string };
      const lines = [
        (await t.given.spend(employee, { amount: '800.00', draft: true, merchant: 'Hotel' })).id,
        (await t.given.spend(employee, { amount: '400.00', draft: true, merchant: 'Train' })).id,
      ];
      await t.as(employee).post(`/expense-reports/${report.id}/spends`, { spend_ids: lines }).expect(200);
      const submitted = (await t.as(employee).post(`/expense-reports/${report.id}/submit`).expect(200)).body as {
        approvals: Array<Step & { pending_since: string | null }>;
      };
      const [first, second] = submitted.approvals;
      expect(first.pending_since).not.toBeNull();
      expect(second).toMatchObject({ status: 'waiting', pending_since: null });
      // The second step was created two days ago, and becomes pending only now.
      await t.dataSource.query(`UPDATE approvals SET created_at = now() - interval '2 days' WHERE id = $1`, [
        second.id,
      ]);
      await t.as(manager).post(`/approvals/${first.id}/decision`, { approved: true }).expect(200);
      await sweep();
      const waiting = (await t.as(employee).get(`/expense-reports/${report.id}`).expect(200)).body;
      expect(waiting.status).toBe('submitted');
      expect(waiting.approvals[1]).toMatchObject({ status: 'pending', pending_since: expect.any(String) });
      expect(Date.now() - Date.parse(waiting.approvals[1].pending_since)).toBeLessThan(60_000);

      await pendingFor(second.id, 25);
      await sweep();
      const read = (await t.as(employee).get(`/expense-reports/${report.id}`).expect(200)).body;
      expect(read.status).toBe('rejected');
      expect(read.lines.map((l: { status: string }) => l.status)).toEqual(['rejected', 'rejected']);
      expect(read.approvals[1]).toMatchObject({ status: 'rejected', decided_by: null, comment: 'Expired' });
      await until(
        async () =>
          (await inbox(employee)).find((n) => n.type === 'expense_report.rejected' && n.entity_id === report.id),
        'expense_report.rejected for the owner',
      );
    });

    it('rejects a cash advance the same way', async () => {
      const org = await t.given.organization();
      await t.given.policy(org.admin, [
        {
          id: 'advance',
          subject: 'advance',
          condition: { advance_amount_gt: 0 },
          action: { type: 'require_approval', approver: 'manager' },
        },
      ]);
      await t
        .as(org.admin)
        .put('/organization/approval-sla', { auto_reject_after_days: 1, auto_reject_message: 'Expired' })
        .expect(200);
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const advance = (
        await t.as(employee).post('/advances', { amount: '300.00', currency: 'USD', purpose: 'Fair' }).expect(201)
      ).body as { id: string; status: string; approvals: Step[] };
      expect(advance.status).toBe('requested');
      await pendingFor(advance.approvals[0].id, 25);
      await sweep();
      const read = (await t.as(employee).get(`/advances/${advance.id}`).expect(200)).body;
      expect(read.status).toBe('rejected');
      expect(read.approvals[0]).toMatchObject({ status: 'rejected', comment: 'Expired' });
      await until(
        async () => (await inbox(employee)).find((n) => n.type === 'advance.rejected' && n.entity_id === advance.id),
        'advance.rejected for the owner',
      );
    });
  });

  it('reminds and escalates each step once when two processes sweep at the same moment, and decides a step once against a person', async () => {
    const second = await createTestApp({ APPROVAL_SLA_SWEEP_SECONDS: '0' }, t);
    try {
      const other = second.app.get(ApprovalSlaSweep);
      const org = await organization({ remind_after_hours: 1, escalate_after_hours: 2 });
      const boss = await t.given.user(org, 'manager');
      const manager = await t.given.user(org, 'manager', { manager_id: boss.id });
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const toRemind: string[] = [];
      const toEscalate: string[] = [];
      for (let i = 0; i < 6; i++) {
        const id = (await spendOf(employee)).approvals[0].id;
        (i % 2 === 0 ? toRemind : toEscalate).push(id);
        await pendingFor(id, i % 2 === 0 ? 1.5 : 3);
      }
      const now = new Date();
      const results = await Promise.all([sweep(now), other.sweep(now), sweep(now), other.sweep(now)]);
      for (const id of toRemind) expect(await audited(id, 'approval.reminded')).toHaveLength(1);
      for (const id of toEscalate) {
        expect(await audited(id, 'approval.escalated')).toHaveLength(1);
        expect(await step(id)).toMatchObject({ approver_user_id: boss.id });
      }
      const total = (key: 'reminded' | 'escalated') => results.reduce((sum, r) => sum + r[key], 0);
      expect({ reminded: total('reminded'), escalated: total('escalated') }).toEqual({ reminded: 3, escalated: 3 });
      for (const id of toRemind) expect((await announced('approval.reminded', id)).outbox).toBe(1);
      for (const id of toEscalate) expect((await announced('approval.escalated', id)).outbox).toBe(1);

      // A person deciding while another process auto-rejects: one decision, whichever came first.
      const late = await organization({ auto_reject_after_days: 1, auto_reject_message: 'Expired' });
      const approver = await t.given.user(late, 'manager');
      const owner = await t.given.user(late, 'employee', { manager_id: approver.id });
      const spend = await spendOf(owner);
      const lateId = spend.approvals[0].id;
      await pendingFor(lateId, 30);
      const [, answer] = await Promise.all([
        other.sweep(),
        t.as(approver).post(`/approvals/${lateId}/decision`, { approved: true }),
      ]);
      const decided = await audited(lateId, 'approval.decided');
      expect(decided).toHaveLength(1);
      const status = (await t.as(owner).get(`/spends/${spend.id}`).expect(200)).body.status;
      if (answer.status === 200) {
        expect({ status, by: decided[0].user_id }).toEqual({ status: 'approved', by: approver.id });
        expect(await audited(lateId, 'approval.auto_rejected')).toEqual([]);
      } else {
        expectProblem(answer, 409, 'APPROVAL_ALREADY_DECIDED');
        expect({ status, by: decided[0].user_id }).toEqual({ status: 'rejected', by: null });
      }
    } finally {
      await second.close({ keepDatabase: true });
    }
  });

  it('sweeps on its own timer in every process (APPROVAL_SLA_SWEEP_SECONDS)', async () => {
    const org = await organization({ remind_after_hours: 1 });
    const manager = await t.given.user(org, 'manager');
    const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
    const id = (await spendOf(employee)).approvals[0].id;
    await pendingFor(id, 2);
    const timed = await createTestApp({ APPROVAL_SLA_SWEEP_SECONDS: '1' }, t);
    try {
      await until(async () => (await step(id)).reminded_at !== null, 'the timed sweep', { timeoutMs: 15_000 });
      await told(manager, 'approval.reminded', id);
    } finally {
      await timed.close({ keepDatabase: true });
    }
  });
});
