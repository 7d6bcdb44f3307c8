import { ApprovalSlaSweep } from '../src/approvals/sla-sweep';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface Step {
  id: string;
  status: string;
  approver: { user_id: string | null; role: string | null };
}

const today = new Date().toISOString().slice(0, 10);
const HOUR = 3_600_000;

/**
 * Approval SLA (docs/approvals-sla.md): whom an escalation may not go to (a manager delegating
 * to the former approver, a manager named on another open step of the round, and the same rule
 * in admin reassignment), and the clocks: deadlines count from the later of a step becoming
 * pending and the settings' last change of a deadline; an admin reassignment restarts the new
 * approver's reminder. Real PostgreSQL; the sweep is run here at chosen moments.
 */
describe('Approval SLA targets and clocks', () => {
  let t: TestApp;
  let sweep: (now?: Date) => ReturnType<ApprovalSlaSweep['sweep']>;

  beforeAll(async () => {
    t = await createTestApp({ APPROVAL_SLA_SWEEP_SECONDS: '0' });
    const sweeper = t.app.get(ApprovalSlaSweep);
    sweep = (now) => sweeper.sweep(now);
  });
  afterAll(() => t.close());

  const policy = (org: TestOrganization, approvers: string[]) =>
    t.given.policy(
      org.admin,
      approvers.map((approver, i) => ({
        id: `step-${i}`,
        condition: { amount_gt: 0 },
        action: { type: 'require_approval', approver },
        priority: i + 1,
      })),
    );
  const setSla = async (org: TestOrganization, settings: object) =>
    (await t.as(org.admin).put('/organization/approval-sla', settings).expect(200)).body as Record<string, unknown>;
  /** Settings saved long ago, so that only a step's own pending_since counts. */
  const savedLongAgo = (org: TestOrganization) =>
    t.dataSource.query(
      `UPDATE approval_sla_settings SET deadlines_changed_at = now() - interval '400 days' WHERE organization_id = $1`,
      [org.id],
    );
  const spendOf = async (owner: TestUser) =>
    (
      await t
        .as(owner)
        .post('/spends', { amount: '80.00', currency: 'USD', spend_date: '2026-08-13', merchant: 'Train' })
        .expect(201)
    ).body as { id: string; approvals: Step[] };
  const pendingFor = (approvalId: string, hours: number) =>
    t.dataSource.query(`UPDATE approvals SET pending_since = now() - $2 * interval '1 hour' WHERE id = $1`, [
      approvalId,
      hours,
    ]);
  const step = async (approvalId: string) =>
    (
      (await t.dataSource.query(
        `SELECT status, approver_user_id, approver_role, reminded_at, escalated_at, assigned_at FROM approvals WHERE id = $1`,
        [approvalId],
      )) as Array<Record<string, unknown>>
    )[0];
  const count = async (approvalId: string, action: string) =>
    (
      await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1 AND action = $2`, [
        approvalId,
        action,
      ])
    )[0].n as number;
  const overdueOf = async (user: TestUser) =>
    ((await t.as(user).get('/approvals?overdue=true').expect(200)).body.items as Step[]).map((s) => s.id);

  describe('escalation targets', () => {
    it('skips a manager who delegates today to the overdue approver: finance gets it, the former approver may not decide', async () => {
      const org = await t.given.organization();
      await policy(org, ['manager']);
      const boss = await t.given.user(org, 'manager');
      const manager = await t.given.user(org, 'manager', { manager_id: boss.id });
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const finance = await t.given.user(org, 'finance');
      await t
        .as(boss)
        .post('/users/me/delegations', { delegate_id: manager.id, starts_on: today, ends_on: today })
        .expect(201);
      await setSla(org, { escalate_after_hours: 2 });
      await savedLongAgo(org);
      const id = (await spendOf(employee)).approvals[0].id;
      await pendingFor(id, 3);
      await sweep();
      expect(await step(id)).toMatchObject({ approver_user_id: null, approver_role: 'finance' });
      expectProblem(await t.as(manager).post(`/approvals/${id}/decision`, { approved: true }), 403, 'NOT_APPROVER');
      await t.as(finance).post(`/approvals/${id}/decision`, { approved: true }).expect(200);
    });

    it('still escalates to a manager who delegates to someone else, and their delegate may decide', async () => {
      const org = await t.given.organization();
      await policy(org, ['manager']);
      const boss = await t.given.user(org, 'manager');
      const deputy = await t.given.user(org, 'manager');
      const manager = await t.given.user(org, 'manager', { manager_id: boss.id });
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      await t
        .as(boss)
        .post('/users/me/delegations', { delegate_id: deputy.id, starts_on: today, ends_on: today })
        .expect(201);
      await setSla(org, { escalate_after_hours: 2 });
      await savedLongAgo(org);
      const id = (await spendOf(employee)).approvals[0].id;
      await pendingFor(id, 3);
      await sweep();
      expect(await step(id)).toMatchObject({ approver_user_id: boss.id });
      expectProblem(await t.as(manager).post(`/approvals/${id}/decision`, { approved: true }), 403, 'NOT_APPROVER');
      await t.as(deputy).post(`/approvals/${id}/decision`, { approved: true }).expect(200);
    });

    it('skips a manager named on a later step of the round, so both steps stay decidable', async () => {
      const org = await t.given.organization();
      const boss = await t.given.user(org, 'manager');
      const manager = await t.given.user(org, 'manager', { manager_id: boss.id });
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const finance = await t.given.user(org, 'finance');
      await policy(org, ['manager', `user:${boss.id}`]);
      await setSla(org, { escalate_after_hours: 2 });
      await savedLongAgo(org);
      const [first, second] = (await spendOf(employee)).approvals;
      expect(second.approver.user_id).toBe(boss.id);
      await pendingFor(first.id, 3);
      await sweep();
      expect(await step(first.id)).toMatchObject({ approver_user_id: null, approver_role: 'finance' });
      await t.as(finance).post(`/approvals/${first.id}/decision`, { approved: true }).expect(200);
      const decided = await t.as(boss).post(`/approvals/${second.id}/decision`, { approved: true }).expect(200);
      expect(decided.body).toMatchObject({ spend_status: 'approved' });
    });
  });

  describe('admin reassignment', () => {
    it('refuses to move a step to someone named on another open step of the round, or two steps of a round to one person', async () => {
      const org = await t.given.organization();
      const boss = await t.given.user(org, 'manager');
      const manager = await t.given.user(org, 'manager');
      const other = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      await policy(org, ['manager', `user:${boss.id}`]);
      const [first, second] = (await spendOf(employee)).approvals;
      const refused = await t
        .as(org.admin)
        .post('/admin/approvals/reassign', { approval_ids: [first.id], to_user_id: boss.id, reason: 'Holiday' });
      expectProblem(refused, 409, 'REASSIGNMENT_CONFLICT');
      expect(refused.body.errors).toEqual([
        {
          field: 'approval_ids',
          message: `${first.id}: the new approver is named on another open step of this round, and one person decides one step of a round`,
        },
      ]);
      expectProblem(
        await t.as(org.admin).post('/admin/approvals/reassign', {
          approval_ids: [first.id, second.id],
          to_user_id: other.id,
          reason: 'Holiday',
        }),
        409,
        'REASSIGNMENT_CONFLICT',
      );
      expect(await step(first.id)).toMatchObject({ approver_user_id: manager.id });
      // Someone on no other step of the round may take it.
      await t
        .as(org.admin)
        .post('/admin/approvals/reassign', { approval_ids: [first.id], to_user_id: other.id, reason: 'Holiday' })
        .expect(200);
      await t.as(other).post(`/approvals/${first.id}/decision`, { approved: true }).expect(200);
      await t.as(boss).post(`/approvals/${second.id}/decision`, { approved: true }).expect(200);
    });

    it('restarts the reminder for the new approver, counted from the reassignment', async () => {
      const org = await t.given.organization();
      await policy(org, ['manager']);
      const manager = await t.given.user(org, 'manager');
      const successor = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      await setSla(org, { remind_after_hours: 4 });
      await savedLongAgo(org);
      const id = (await spendOf(employee)).approvals[0].id;
      await pendingFor(id, 5);
      await sweep();
      expect(await count(id, 'approval.reminded')).toBe(1);
      await t
        .as(org.admin)
        .post('/admin/approvals/reassign', { approval_ids: [id], to_user_id: successor.id, reason: 'Left' })
        .expect(200);
      expect(await step(id)).toMatchObject({ reminded_at: null, assigned_at: expect.any(Date) });
      await sweep(new Date(Date.now() + 3 * HOUR));
      expect(await count(id, 'approval.reminded')).toBe(1);
      await sweep(new Date(Date.now() + 4 * HOUR + 60_000));
      expect(await count(id, 'approval.reminded')).toBe(2);
      const [entry] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE entity_id = $1 AND action = 'approval.reminded' ORDER BY created_at DESC LIMIT 1`,
        [id],
      );
      expect(entry.metadata).toMatchObject({ approver_user_id: successor.id });
      await sweep(new Date(Date.now() + 10 * HOUR));
      expect(await count(id, 'approval.reminded')).toBe(2);
    });
  });

  describe('the clock', () => {
    it('counts deadlines from the save for steps already pending: no backlog rejected at once, rejected once the deadline passes', async () => {
      const org = await t.given.organization();
      await policy(org, ['manager']);
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      const spend = await spendOf(employee);
      const old = spend.approvals[0].id;
      await pendingFor(old, 10 * 24);
      const saved = await setSla(org, {
        remind_after_hours: 2,
        escalate_after_hours: 5,
        auto_reject_after_days: 1,
        auto_reject_message: 'Expired',
      });
      expect(Date.now() - Date.parse(saved.deadlines_changed_at as string)).toBeLessThan(60_000);

      expect(await sweep()).toMatchObject({ reminded: 0, escalated: 0, autoRejected: 0 });
      expect(await step(old)).toMatchObject({ status: 'pending', reminded_at: null, escalated_at: null });
      expect(await overdueOf(manager)).toEqual([]);
      const dashboard = (await t.as(org.admin).get('/reports/dashboard').expect(200)).body;
      expect(dashboard.overdue_approvals.count).toBe(0);

      // Changing only the message does not restart the clock.
      const again = await setSla(org, {
        remind_after_hours: 2,
        escalate_after_hours: 5,
        auto_reject_after_days: 1,
        auto_reject_message: 'Too old',
      });
      expect(again.deadlines_changed_at).toBe(saved.deadlines_changed_at);
      // Move the save back in time: the deadlines now come in turn.
      await t.dataSource.query(
        `UPDATE approval_sla_settings SET deadlines_changed_at = now() - interval '3 hours' WHERE organization_id = $1`,
        [org.id],
      );
      expect(await overdueOf(manager)).toEqual([old]);
      expect(await sweep()).toMatchObject({ reminded: 1, escalated: 0, autoRejected: 0 });
      expect(await step(old)).toMatchObject({ status: 'pending', approver_user_id: manager.id });
      await sweep(new Date(Date.now() + 2 * HOUR + 60_000));
      expect(await step(old)).toMatchObject({ status: 'pending', escalated_at: expect.any(Date) });
      await sweep(new Date(Date.now() + 20 * HOUR));
      expect(await step(old)).toMatchObject({ status: 'pending' });
      await sweep(new Date(Date.now() + 21 * HOUR + 60_000));
      expect(await step(old)).toMatchObject({ status: 'rejected' });
      expect((await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body).toMatchObject({ status: 'rejected' });
    });

    it('restarts the clock when a deadline changes', async () => {
      const org = await t.given.organization();
      await policy(org, ['manager']);
      const manager = await t.given.user(org, 'manager');
      const employee = await t.given.user(org, 'employee', { manager_id: manager.id });
      await setSla(org, { remind_after_hours: 2 });
      await savedLongAgo(org);
      const id = (await spendOf(employee)).approvals[0].id;
      await pendingFor(id, 3);
      expect(await overdueOf(manager)).toEqual([id]);
      await setSla(org, { remind_after_hours: 1 });
      expect(await overdueOf(manager)).toEqual([]);
      expect(await sweep()).toMatchObject({ reminded: 0 });
      await sweep(new Date(Date.now() + HOUR + 60_000));
      expect(await count(id, 'approval.reminded')).toBe(1);
    });
  });
});
