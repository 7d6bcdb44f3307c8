import request from 'supertest';
import { ReportPayments } from '../src/expense-reports/use-cases/report-payments';
import { eventually } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Expense reports (trips), the lifecycle: a report of the owner's spends is judged by the
 * policies as a whole (report_total, report_days, report_spend_count) and line by line, decided by
 * one approval chain, lines rejected and resubmitted, recalled while undecided, paid by payouts.
 * Refusals and the summary: test/expense-reports-refusals.e2e-spec.ts.
 */
describe('Expense reports: lifecycle', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let manager: TestUser;
  let finance: TestUser;
  let employee: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    manager = await t.given.user(acme, 'manager');
    finance = await t.given.user(acme, 'finance');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    // Every report line needs the manager; a trip over 1000 (base currency) needs finance too.
    // Neither rule holds for a spend on its own, which has no report facts.
    await t.given.policy(acme.admin, [
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
      { id: 'long-trip', condition: { report_days_gt: 5 }, action: { type: 'flag', flag: 'long_trip' }, priority: 3 },
    ]);
  });
  afterAll(() => t.close());

  const draft = async (amount: string, extra: Record<string, unknown> = {}) =>
    (await t.given.spend(employee, { amount, draft: true, merchant: 'Hotel Adlon', ...extra })).id;
  const report = async (body: Record<string, unknown> = {}) =>
    (
      await t
        .as(employee)
        .post('/expense-reports')
        .send({ title: 'Berlin workshop', starts_on: '2026-03-02', ends_on: '2026-03-04', trip: 'Berlin, DE', ...body })
        .expect(201)
    ).body as { id: string; status: string };
  const withLines = async (...amounts: string[]) => {
    const created = await report();
    const ids: string[] = [];
    for (const amount of amounts) ids.push(await draft(amount));
    await t.as(employee).post(`/expense-reports/${created.id}/spends`).send({ spend_ids: ids }).expect(200);
    return { id: created.id, spendIds: ids };
  };
  const pendingStep = async (reportId: string) => {
    const body = (await t.as(employee).get(`/expense-reports/${reportId}`).expect(200)).body;
    return body.approvals.find((a: { status: string }) => a.status === 'pending') as { id: string; step: number };
  };
  const decide = (who: TestUser, approvalId: string, approved: boolean, comment?: string) =>
    t.as(who).post(`/approvals/${approvalId}/decision`).send({ approved, comment });

  it('creates a draft, adds spends, totals them in the base currency, submits, approves: report and lines move together', async () => {
    const created = await report({ purpose: 'Customer workshop' });
    expect(created).toMatchObject({ status: 'draft', total: '0.00', base_currency: 'USD', spend_count: 0 });
    const a = await draft('120.00');
    const b = await draft('180.50');
    const added = await t
      .as(employee)
      .post(`/expense-reports/${created.id}/spends`)
      .send({ spend_ids: [a, b] });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ total: '300.50', spend_count: 2 });
    const line = (await t.as(employee).get(`/spends/${a}`).expect(200)).body;
    expect(line).toMatchObject({ status: 'draft', expense_report_id: created.id });

    const submitted = await t.as(employee).post(`/expense-reports/${created.id}/submit`).expect(200);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      approval_round: 1,
      policy_evaluation: {
        decision: 'pending_approval',
        report_total: '300.50',
        report_days: 3,
        report_spend_count: 2,
        approvers: [{ step: 1, requirement: 'manager', user_id: manager.id }],
      },
    });
    expect(submitted.body.lines.map((l: { status: string }) => l.status)).toEqual([
      'pending_approval',
      'pending_approval',
    ]);
    // One chain for the report; its lines get none of their own.
    expect(submitted.body.approvals).toHaveLength(1);
    expect((await t.as(employee).get(`/spends/${a}`).expect(200)).body.approvals).toEqual([]);

    const step = await pendingStep(created.id);
    await eventually(async () => {
      const inbox = (await t.as(manager).get('/notifications').expect(200)).body;
      expect(inbox.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'approval.assigned',
            entity_id: step.id,
            title: 'Approval needed: expense report Berlin workshop',
          }),
        ]),
      );
    });
    const decided = await decide(manager, step.id, true);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ subject_type: 'expense_report', subject_status: 'approved' });
    const approved = (await t.as(employee).get(`/expense-reports/${created.id}`).expect(200)).body;
    expect(approved).toMatchObject({ status: 'approved', approved_total: '300.50', decided_at: expect.any(String) });
    expect(approved.lines.map((l: { status: string }) => l.status)).toEqual(['approved', 'approved']);

    // Audited, and announced through the outbox: a webhook-able event and the owner's notification.
    const actions: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`,
      [acme.id, created.id],
    );
    expect(actions.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'expense_report.created',
        'expense_report.spends_added',
        'expense_report.submitted',
        'approval.requested',
        'expense_report.approved',
      ]),
    );
    const topics: Array<{ topic: string }> = await t.dataSource.query(
      `SELECT topic FROM outbox WHERE organization_id = $1 AND payload->>'expense_report_id' = $2 ORDER BY created_at`,
      [acme.id, created.id],
    );
    expect(topics.map((r) => r.topic)).toEqual(['expense_report.submitted', 'expense_report.approved']);
    await eventually(async () => {
      const inbox = (await t.as(employee).get('/notifications').expect(200)).body;
      expect(inbox.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'expense_report.approved',
            entity_type: 'expense_report',
            entity_id: created.id,
          }),
        ]),
      );
    });

    // Payouts mark it paid through ReportPayments; the lines move with it.
    const payments = t.app.get(ReportPayments);
    const paid = await t.dataSource.transaction((tx) =>
      payments.markPaid(tx, { organizationId: acme.id, userId: finance.id }, acme.id, created.id, {
        paidAt: new Date('2026-03-10T10:00:00Z'),
        reference: 'PAYOUT-1',
      }),
    );
    expect(paid.status).toBe('paid');
    const afterPay = (await t.as(employee).get(`/expense-reports/${created.id}`).expect(200)).body;
    expect(afterPay).toMatchObject({ status: 'paid', payment_reference: 'PAYOUT-1' });
    expect(afterPay.lines.map((l: { status: string }) => l.status)).toEqual(['paid', 'paid']);
  });

  it('routes a report whose report_total passes 1000 to the manager and then finance, and refuses self-approval', async () => {
    const { id } = await withLines('800.00', '400.00');
    const submitted = (await t.as(employee).post(`/expense-reports/${id}/submit`).expect(200)).body;
    expect(submitted.policy_evaluation).toMatchObject({
      report_total: '1200.00',
      approvers: [
        { step: 1, requirement: 'manager' },
        { step: 2, requirement: 'finance', role: 'finance' },
      ],
    });
    expect(submitted.policy_evaluation.matched_rules.map((r: { rule_id: string }) => r.rule_id)).toEqual([
      'reports-need-manager',
      'big-trip',
    ]);
    const first = await pendingStep(id);
    expectProblem(await decide(employee, first.id, true), 403, 'SELF_APPROVAL_FORBIDDEN');
    expectProblem(
      await t
        .as(employee)
        .post(`/expense-reports/${id}/lines/${submitted.lines[0].spend_id}/reject`)
        .send({ comment: 'no' }),
      403,
      'SELF_APPROVAL_FORBIDDEN',
    );
    expectProblem(await decide(finance, first.id, true), 403, 'NOT_APPROVER');
    expect((await decide(manager, first.id, true)).body.subject_status).toBe('submitted');
    const second = await pendingStep(id);
    expect(second.step).toBe(2);
    expect((await decide(finance, second.id, true)).body.subject_status).toBe('approved');
  });

  it('lets the approver reject one line with a comment while the rest continue, and the owner fix and resubmit it', async () => {
    const { id, spendIds } = await withLines('50.00', '75.00', '20.00');
    await t.as(employee).post(`/expense-reports/${id}/submit`).expect(200);
    expectProblem(
      await t.as(manager).post(`/expense-reports/${id}/lines/${spendIds[0]}/reject`).send({}),
      422,
      'VALIDATION_FAILED',
    );
    const rejected = await t
      .as(manager)
      .post(`/expense-reports/${id}/lines/${spendIds[0]}/reject`)
      .send({ comment: 'The minibar is not reimbursed' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('submitted');
    expect(rejected.body.lines.map((l: { status: string }) => l.status)).toEqual([
      'rejected',
      'pending_approval',
      'pending_approval',
    ]);
    expectProblem(
      await t.as(manager).post(`/expense-reports/${id}/lines/${spendIds[0]}/reject`).send({ comment: 'again' }),
      409,
      'EXPENSE_REPORT_LINE_NOT_REJECTABLE',
    );
    // A line is decided with its report, never on its own.
    expectProblem(await t.as(employee).post(`/spends/${spendIds[0]}/submit`), 409, 'SPEND_IN_EXPENSE_REPORT');
    expectProblem(
      await t.as(employee).post(`/expense-reports/${id}/lines/${spendIds[1]}/resubmit`),
      409,
      'EXPENSE_REPORT_LINE_NOT_RESUBMITTABLE',
    );

    // Fixed (a rejected spend is editable) and resubmitted into the same report: a new round.
    await t.as(employee).patch(`/spends/${spendIds[0]}`, { amount: '30.00', currency: 'USD' }).expect(200);
    const resubmitted = await t.as(employee).post(`/expense-reports/${id}/lines/${spendIds[0]}/resubmit`);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'submitted', approval_round: 2, total: '125.00' });
    expect(resubmitted.body.lines.every((l: { status: string }) => l.status === 'pending_approval')).toBe(true);

    // Another line rejected in round 2, then the chain approved: partly approved.
    await t
      .as(manager)
      .post(`/expense-reports/${id}/lines/${spendIds[2]}/reject`)
      .send({ comment: 'Taxi receipt is unreadable' })
      .expect(200);
    const step = await pendingStep(id);
    expect((await decide(manager, step.id, true)).body.subject_status).toBe('partly_approved');
    const decided = (await t.as(employee).get(`/expense-reports/${id}`).expect(200)).body;
    expect(decided).toMatchObject({ status: 'partly_approved', total: '125.00', approved_total: '105.00' });
    expect(decided.lines.map((l: { status: string }) => l.status)).toEqual(['approved', 'approved', 'rejected']);
    expect(decided.approvals.map((a: { round: number; status: string }) => [a.round, a.status])).toEqual([
      [1, 'cancelled'],
      [2, 'approved'],
    ]);
    // Decided, the report is the record: its rejected line no longer changes.
    const frozen = await t.as(employee).patch(`/spends/${spendIds[2]}`, { amount: '5.00', currency: 'USD' });
    expectProblem(frozen, 409, 'SPEND_IN_EXPENSE_REPORT');
    expect(frozen.body.detail).toContain('partly_approved');
    expect((await t.as(employee).get(`/spends/${spendIds[2]}`).expect(200)).body).toMatchObject({ amount: '20.00' });
  });

  it('rejects the whole report when the chain ends rejected, and takes it back fixed', async () => {
    const { id } = await withLines('60.00');
    await t.as(employee).post(`/expense-reports/${id}/submit`).expect(200);
    const step = await pendingStep(id);
    expect((await decide(manager, step.id, false, 'Wrong trip')).body.subject_status).toBe('rejected');
    const rejected = (await t.as(employee).get(`/expense-reports/${id}`).expect(200)).body;
    expect(rejected.lines[0].status).toBe('rejected');
    await eventually(async () => {
      const inbox = (await t.as(employee).get('/notifications').expect(200)).body;
      expect(inbox.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'expense_report.rejected', entity_id: id })]),
      );
    });
    await t.as(employee).patch(`/expense-reports/${id}`, { title: 'Berlin workshop (fixed)' }).expect(200);
    const again = (await t.as(employee).post(`/expense-reports/${id}/submit`).expect(200)).body;
    expect(again).toMatchObject({ status: 'submitted', approval_round: 2, title: 'Berlin workshop (fixed)' });
  });

  it('recalls a report while undecided: the steps are cancelled and the report and its lines are drafts again', async () => {
    const { id, spendIds } = await withLines('40.00');
    await t.as(employee).post(`/expense-reports/${id}/submit`).expect(200);
    expectProblem(
      await t.as(employee).patch(`/expense-reports/${id}`, { title: 'x' }),
      409,
      'EXPENSE_REPORT_NOT_EDITABLE',
    );
    expectProblem(await t.as(manager).post(`/expense-reports/${id}/recall`), 403, 'NOT_EXPENSE_REPORT_OWNER');
    const recalled = await t.as(employee).post(`/expense-reports/${id}/recall`);
    expect(recalled.status).toBe(200);
    expect(recalled.body).toMatchObject({ status: 'draft', lines: [{ spend_id: spendIds[0], status: 'draft' }] });
    expect(recalled.body.approvals.map((a: { status: string }) => a.status)).toEqual(['cancelled']);
    expectProblem(await t.as(employee).post(`/expense-reports/${id}/recall`), 409, 'EXPENSE_REPORT_NOT_RECALLABLE');
    // A recalled draft can be emptied; once submitted, it cannot be deleted (its history stays).
    expectProblem(await t.as(employee).delete(`/expense-reports/${id}`), 409, 'EXPENSE_REPORT_NOT_EDITABLE');
    await t.as(employee).delete(`/expense-reports/${id}/spends/${spendIds[0]}`).expect(200);
    expect((await t.as(employee).get(`/spends/${spendIds[0]}`).expect(200)).body.expense_report_id).toBeNull();
  });

  it('flags a long trip on the report and its lines, and deletes a never-submitted draft', async () => {
    const own = (
      await t
        .as(acme.admin)
        .post('/expense-reports')
        .send({ title: 'Team offsite', starts_on: '2026-04-01', ends_on: '2026-04-08' })
        .expect(201)
    ).body;
    const spend = (await t.given.spend(acme.admin, { amount: '10.00', draft: true })).id;
    await t
      .as(acme.admin)
      .post(`/expense-reports/${own.id}/spends`)
      .send({ spend_ids: [spend] })
      .expect(200);
    const submitted = (await t.as(acme.admin).post(`/expense-reports/${own.id}/submit`).expect(200)).body;
    expect(submitted.policy_evaluation.flags).toEqual(['long_trip']);
    expect(submitted.lines[0].flags).toEqual(['long_trip']);

    const doomed = await report({ title: 'Never mind' });
    const line = await draft('5.00');
    await t
      .as(employee)
      .post(`/expense-reports/${doomed.id}/spends`)
      .send({ spend_ids: [line] })
      .expect(200);
    expect((await t.as(employee).delete(`/expense-reports/${doomed.id}`).expect(200)).body).toEqual({
      message: 'Deleted successfully',
    });
    expectProblem(await t.as(employee).get(`/expense-reports/${doomed.id}`), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expect((await t.as(employee).get(`/spends/${line}`).expect(200)).body).toMatchObject({
      status: 'draft',
      expense_report_id: null,
    });
  });

  it('answers 401 without a token', async () => {
    const response = await request(t.http).get('/api/v1/expense-reports');
    expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
  });
});
