import request from 'supertest';
import { ReportBalance } from '../src/expense-reports/report-balance';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface TestReport {
  id: string;
  status: string;
  approved_total: string;
  advances: Array<{ id: string; amount: string; base_amount: string; status: string; paid_at: string | null }>;
  advances_total: string;
  advances_pending: string;
  balance: string;
  balance_direction: string;
  [field: string]: unknown;
}

/**
 * Cash advances offset what an expense report reimburses: linked at the request
 * (`expense_report_id`, decided by the database's foreign key) or from the report's side, a paid
 * advance is taken off the approved total; a negative balance is owed back, and the report's
 * answer, summary, summary CSV and export say so. No policies: reports and advances are approved
 * at once, so that the offset is what is under test.
 */
describe('Expense reports: advances offset the balance', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let manager: TestUser;
  let finance: TestUser;
  let accountant: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let outsider: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    manager = await t.given.user(acme, 'manager');
    finance = await t.given.user(acme, 'finance');
    accountant = await t.given.user(acme, 'accountant');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    colleague = await t.given.user(acme, 'employee', { manager_id: manager.id });
    outsider = await t.given.organization('Elsewhere');
  });
  afterAll(() => t.close());

  const newReport = async (owner: TestUser, title = 'Berlin workshop') =>
    (
      await t
        .as(owner)
        .post('/expense-reports', { title, starts_on: '2026-03-02', ends_on: '2026-03-04', trip: 'Berlin, DE' })
        .expect(201)
    ).body as TestReport;
  const withLine = async (owner: TestUser, amount: string, title?: string) => {
    const report = await newReport(owner, title);
    const spend = await t.given.spend(owner, { amount, draft: true, merchant: 'Hotel Adlon' });
    await t
      .as(owner)
      .post(`/expense-reports/${report.id}/spends`, { spend_ids: [spend.id] })
      .expect(200);
    return report;
  };
  const advance = async (owner: TestUser, amount: string, body: object = {}) =>
    (
      await t
        .as(owner)
        .post('/advances', { amount, currency: 'USD', purpose: 'Trip cash', ...body })
        .expect(201)
    ).body as { id: string; status: string; expense_report_id: string | null };
  const pay = (id: string) =>
    t
      .as(finance)
      .post(`/advances/${id}/pay`, { reference: `CASH-${id.slice(0, 6)}` })
      .expect(200);
  const read = async (id: string) =>
    (await t.as(employee).get(`/expense-reports/${id}`).expect(200)).body as TestReport;
  const link = (who: TestUser, reportId: string, advanceIds: string[]) =>
    t.as(who).post(`/expense-reports/${reportId}/advances`, { advance_ids: advanceIds });
  const audited = async (id: string) =>
    (
      (await t.dataSource.query(`SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY seq`, [id])) as Array<{
        action: string;
      }>
    ).map((r) => r.action);
  const linkedTo = async (advanceId: string) =>
    (
      (await t.dataSource.query(`SELECT expense_report_id FROM advances WHERE id = $1`, [advanceId])) as Array<{
        expense_report_id: string | null;
      }>
    )[0].expense_report_id;

  it('lines approved 500 and a paid advance of 300 linked at its request: 200 to reimburse', async () => {
    const report = await withLine(employee, '500.00');
    const cash = await advance(employee, '300.00', { expense_report_id: report.id });
    expect(cash).toMatchObject({ status: 'approved', expense_report_id: report.id });
    // Approved, not paid: listed and pending, not offset.
    expect(await read(report.id)).toMatchObject({
      approved_total: '500.00',
      advances: [{ id: cash.id, amount: '300.00', base_amount: '300.00', status: 'approved', paid_at: null }],
      advances_total: '0.00',
      advances_pending: '300.00',
      balance: '500.00',
      balance_direction: 'reimburse',
    });
    await pay(cash.id);
    await t.as(employee).post(`/expense-reports/${report.id}/submit`).expect(200);
    const decided = await read(report.id);
    expect(decided).toMatchObject({
      status: 'approved',
      approved_total: '500.00',
      advances: [{ id: cash.id, status: 'paid', paid_at: expect.any(String) }],
      advances_total: '300.00',
      advances_pending: '0.00',
      balance: '200.00',
      balance_direction: 'reimburse',
    });
    expect(await audited(report.id)).toContain('expense_report.advances_linked');

    // The balance the payouts read, on the pool and in a transaction.
    const balance = t.app.get(ReportBalance);
    const expected = {
      approvedTotalMinor: 50000n,
      advancesTotalMinor: 30000n,
      balanceMinor: 20000n,
      baseCurrency: 'USD',
    };
    expect(await balance.of(t.dataSource, acme.id, report.id)).toEqual(expected);
    expect(await t.dataSource.transaction((tx) => balance.of(tx, acme.id, report.id))).toEqual(expected);
  });

  it('an advance of 600 on 500 approved: 100 owed back, in the summary, its CSV and the export', async () => {
    const report = await withLine(employee, '500.00', 'Owed back');
    const cash = await advance(employee, '600.00');
    await pay(cash.id);
    const linked = (await link(employee, report.id, [cash.id]).expect(200)).body as TestReport;
    expect(linked).toMatchObject({ advances_total: '600.00', balance: '-100.00', balance_direction: 'owed_back' });
    expect(await linkedTo(cash.id)).toBe(report.id);
    expect(await audited(cash.id)).toEqual([
      'advance.requested',
      'advance.approved',
      'advance.paid',
      'advance.linked_to_report',
    ]);
    await t.as(employee).post(`/expense-reports/${report.id}/submit`).expect(200);

    const summary = (await t.as(accountant).get(`/expense-reports/${report.id}/summary`).expect(200)).body;
    expect(summary.totals).toMatchObject({
      approved_total: '500.00',
      advances_total: '600.00',
      advances_pending: '0.00',
      balance: '-100.00',
      balance_direction: 'owed_back',
    });
    expect(summary.report).toMatchObject({ balance: '-100.00', advances: [{ id: cash.id, status: 'paid' }] });

    const csv = await t.as(employee).get(`/expense-reports/${report.id}/summary.csv`).expect(200);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'record,spend_id,spend_date,merchant,description,amount,currency,base_amount,base_currency,status,flags,receipts,round,step,approver,decided_by,decided_at,comment,advance_id,paid_at',
    );
    expect(rows).toContainEqual(
      expect.stringMatching(new RegExp(`^advance,,,,,600\\.00,USD,600\\.00,USD,paid,,,,,,,,,${cash.id},20\\d\\d-`)),
    );
    expect(rows[rows.length - 1]).toBe(
      'balance,,,,,,,-100.00,USD,owed_back,,,,,,,,"approved 500.00, advances 600.00, pending advances 0.00",,',
    );

    const exported = await t.as(finance).get(`/expense-reports/export?user_id=${employee.id}`).expect(200);
    const lines = exported.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,user_id,title,purpose,trip,starts_on,ends_on,status,spend_count,total,approved_total,base_currency,submitted_at,decided_at,paid_at,advances_total,balance,balance_direction',
    );
    const row = lines.find((l) => l.startsWith(report.id));
    expect(row).toMatch(/,approved,1,500\.00,500\.00,USD,.*,600\.00,-100\.00,owed_back$/);
  });

  it('refuses what may not be linked: someone else’s, another tenant’s, rejected or cancelled, linked elsewhere', async () => {
    const report = await withLine(employee, '100.00', 'Refusals');
    const theirs = await advance(colleague, '50.00');
    const foreign = await advance(outsider.admin, '50.00');
    const missing = await link(employee, report.id, [theirs.id, foreign.id]);
    expectProblem(missing, 404, 'EXPENSE_REPORT_ADVANCE_NOT_FOUND');
    expect(missing.body.errors).toHaveLength(2);

    // A requested advance (an approver is needed) is withdrawn: a cancelled one is not linked.
    await t.given.policy(acme.admin, [
      {
        id: 'big-advance',
        subject: 'advance',
        condition: { advance_amount_gt: 100000 },
        action: { type: 'require_approval', approver: 'manager' },
        priority: 1,
      },
    ]);
    const requested = await advance(employee, '2000.00');
    expect(requested.status).toBe('requested');
    await link(employee, report.id, [requested.id]).expect(200);
    await t.as(employee).delete(`/expense-reports/${report.id}/advances/${requested.id}`).expect(200);
    await t.as(employee).post(`/advances/${requested.id}/cancel`).expect(200);
    expectProblem(await link(employee, report.id, [requested.id]), 409, 'EXPENSE_REPORT_ADVANCE_NOT_LINKABLE');

    const other = await newReport(employee, 'Other trip');
    const cash = await advance(employee, '40.00', { expense_report_id: other.id });
    expectProblem(await link(employee, report.id, [cash.id]), 409, 'ADVANCE_IN_ANOTHER_REPORT');
    // Linked here already: left as it is.
    await link(employee, other.id, [cash.id]).expect(200);
    expectProblem(await link(employee, report.id, ['not-a-uuid']), 422, 'VALIDATION_FAILED');
    expectProblem(await link(employee, report.id, []), 422, 'VALIDATION_FAILED');
  });

  it('an advance requested on someone else’s or another tenant’s report: the same 404, nothing stored', async () => {
    const theirs = await newReport(colleague, 'Not yours');
    const foreign = await newReport(outsider.admin, 'Not here');
    for (const reportId of [theirs.id, foreign.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await t
        .as(employee)
        .post('/advances', { amount: '10.00', currency: 'USD', purpose: 'x', expense_report_id: reportId });
      expectProblem(refused, 404, 'ADVANCE_REPORT_NOT_FOUND');
      expect(refused.body.detail).toBe(`Expense report ${reportId} is not one of your expense reports`);
    }
    const stored = await t.dataSource.query(`SELECT count(*)::int AS n FROM advances WHERE purpose = 'x'`);
    expect(stored[0].n).toBe(0);
    expectProblem(
      await t.as(employee).post('/advances', { amount: '1', currency: 'USD', purpose: 'x', expense_report_id: 'nope' }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('unlinks from the report side; a decided report keeps its advances; a deleted draft unlinks them', async () => {
    const report = await withLine(employee, '80.00', 'Unlink');
    const cash = await advance(employee, '30.00', { expense_report_id: report.id });
    // Approved but not paid out yet, it offsets nothing and may leave the report.
    expect(cash.status).toBe('approved');
    expect((await read(report.id)).balance).toBe('80.00');
    const unlinked = (await t.as(employee).delete(`/expense-reports/${report.id}/advances/${cash.id}`).expect(200))
      .body as TestReport;
    expect(unlinked).toMatchObject({ advances: [], advances_total: '0.00', balance: '80.00' });
    expect(await linkedTo(cash.id)).toBeNull();
    expect((await audited(cash.id)).slice(-1)).toEqual(['advance.unlinked_from_report']);
    expect((await audited(report.id)).slice(-1)).toEqual(['expense_report.advance_unlinked']);
    expectProblem(
      await t.as(employee).delete(`/expense-reports/${report.id}/advances/${cash.id}`),
      404,
      'EXPENSE_REPORT_ADVANCE_LINK_NOT_FOUND',
    );

    // Paid out, it stays linked: it is settled against this report.
    await link(employee, report.id, [cash.id]).expect(200);
    await pay(cash.id);
    expect((await read(report.id)).balance).toBe('50.00');
    expectProblem(
      await t.as(employee).delete(`/expense-reports/${report.id}/advances/${cash.id}`),
      409,
      'EXPENSE_REPORT_ADVANCE_PAID',
    );
    expect(await linkedTo(cash.id)).toBe(report.id);

    // Linked while submitted is allowed (here: linked already, left as it is); once approved, the advances stay.
    await link(employee, report.id, [cash.id]).expect(200);
    await t.as(employee).post(`/expense-reports/${report.id}/submit`).expect(200);
    expect((await read(report.id)).status).toBe('approved');
    expectProblem(
      await t.as(employee).delete(`/expense-reports/${report.id}/advances/${cash.id}`),
      409,
      'EXPENSE_REPORT_ADVANCES_FROZEN',
    );
    expectProblem(await link(employee, report.id, [cash.id]), 409, 'EXPENSE_REPORT_ADVANCES_FROZEN');
    // Nor does a new advance join it; a colleague's decided report is still just not yours.
    expectProblem(
      await t
        .as(employee)
        .post('/advances', { amount: '5.00', currency: 'USD', purpose: 'late', expense_report_id: report.id }),
      409,
      'ADVANCE_REPORT_CLOSED',
    );
    expectProblem(
      await t
        .as(colleague)
        .post('/advances', { amount: '5.00', currency: 'USD', purpose: 'late', expense_report_id: report.id }),
      404,
      'ADVANCE_REPORT_NOT_FOUND',
    );

    // Deleting a draft never submitted unlinks its advances, audited on each.
    const draft = await newReport(employee, 'Deleted');
    const spare = await advance(employee, '20.00', { expense_report_id: draft.id });
    await t.as(employee).delete(`/expense-reports/${draft.id}`).expect(200);
    expect(await linkedTo(spare.id)).toBeNull();
    expect((await audited(spare.id)).slice(-1)).toEqual(['advance.unlinked_from_report']);

    // The foreign key's ON DELETE SET NULL (expense_report_id) clears the link alone.
    const bare = await newReport(employee, 'Deleted in SQL');
    const kept = await advance(employee, '10.00', { expense_report_id: bare.id });
    await t.dataSource.query(`DELETE FROM expense_reports WHERE id = $1`, [bare.id]);
    const [row] = await t.dataSource.query(
      `SELECT expense_report_id, user_id, organization_id FROM advances WHERE id = $1`,
      [kept.id],
    );
    expect(row).toEqual({ expense_report_id: null, user_id: employee.id, organization_id: acme.id });
  });

  it('refuses other callers: not the owner 403, not visible or another organization 404, no token 401', async () => {
    const report = await withLine(employee, '60.00', 'Callers');
    const cash = await advance(employee, '10.00');
    expectProblem(await link(manager, report.id, [cash.id]), 403, 'NOT_EXPENSE_REPORT_OWNER');
    expectProblem(await link(acme.admin, report.id, [cash.id]), 403, 'NOT_EXPENSE_REPORT_OWNER');
    expectProblem(await link(accountant, report.id, [cash.id]), 403, 'INSUFFICIENT_PERMISSIONS');
    expectProblem(await link(colleague, report.id, [cash.id]), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expectProblem(await link(outsider.admin, report.id, [cash.id]), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expectProblem(
      await t.as(outsider.admin).delete(`/expense-reports/${report.id}/advances/${cash.id}`),
      404,
      'EXPENSE_REPORT_NOT_FOUND',
    );
    expectProblem(
      await t.as(manager).delete(`/expense-reports/${report.id}/advances/${cash.id}`),
      403,
      'NOT_EXPENSE_REPORT_OWNER',
    );
    expectProblem(
      await request(t.http)
        .post(`/api/v1/expense-reports/${report.id}/advances`)
        .send({ advance_ids: [cash.id] }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    expectProblem(
      await request(t.http).delete(`/api/v1/expense-reports/${report.id}/advances/${cash.id}`),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    expect(await linkedTo(cash.id)).toBeNull();
  });
});
