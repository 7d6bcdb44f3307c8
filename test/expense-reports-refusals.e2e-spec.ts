import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

/**
 * Expense reports: whose spends may join a report (never another tenant's or another person's,
 * never one line in two reports), who may see and change a report, what blocks a submission,
 * the list, its filters and export, and the summary as JSON and CSV.
 */
describe('Expense reports: refusals, lists and summary', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let manager: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let accountant: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    manager = await t.given.user(acme, 'manager');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    colleague = await t.given.user(acme, 'employee');
    accountant = await t.given.user(acme, 'accountant');
    await t.given.policy(acme.admin, [
      {
        id: 'no-casinos',
        condition: { merchant_eq: 'Casino' },
        action: { type: 'block', message: 'Gambling is never reimbursed' },
      },
      {
        id: 'lines-need-manager',
        condition: { report_spend_count_gte: 1 },
        action: { type: 'require_approval', approver: 'manager' },
      },
    ]);
  });
  afterAll(() => t.close());

  const newReport = async (owner: TestUser, body: Record<string, unknown> = {}) =>
    (
      await t
        .as(owner)
        .post('/expense-reports', {
          title: 'Paris trade fair',
          starts_on: '2026-05-10',
          ends_on: '2026-05-12',
          ...body,
        })
        .expect(201)
    ).body as { id: string };
  const draft = async (owner: TestUser, body: Record<string, unknown> = {}) =>
    (await t.given.spend(owner, { amount: '25.00', draft: true, merchant: 'Bistro', ...body })).id;
  const add = (owner: TestUser, reportId: string, spendIds: string[]) =>
    t.as(owner).post(`/expense-reports/${reportId}/spends`, { spend_ids: spendIds });

  it("refuses another tenant's spend in my report with 404, and another tenant's report likewise", async () => {
    const mine = await newReport(employee);
    const theirs = await draft(globex.admin);
    expectProblem(await add(employee, mine.id, [theirs]), 404, 'EXPENSE_REPORT_SPEND_NOT_FOUND');
    const foreignReport = await newReport(globex.admin);
    expectProblem(await t.as(acme.admin).get(`/expense-reports/${foreignReport.id}`), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expectProblem(await add(employee, foreignReport.id, [await draft(employee)]), 404, 'EXPENSE_REPORT_NOT_FOUND');
    // The schema holds it too: a spend row cannot point at another organization's report.
    await expect(
      t.dataSource.query(`UPDATE spends SET expense_report_id = $1 WHERE id = $2`, [
        foreignReport.id,
        await draft(employee),
      ]),
    ).rejects.toThrow(/spends_expense_report/);
  });

  it("refuses someone else's spend, a spend already in another report (409) and a spend no longer open", async () => {
    const mine = await newReport(employee);
    expectProblem(await add(employee, mine.id, [await draft(colleague)]), 404, 'EXPENSE_REPORT_SPEND_NOT_FOUND');
    const spend = await draft(employee);
    await add(employee, mine.id, [spend]).expect(200);
    // Adding it again to the same report changes nothing.
    expect((await add(employee, mine.id, [spend]).expect(200)).body.spend_count).toBe(1);
    const second = await newReport(employee, { title: 'Lyon' });
    expectProblem(await add(employee, second.id, [spend]), 409, 'SPEND_IN_ANOTHER_REPORT');
    const submitted = (await t.given.spend(employee, { amount: '12.00' })).id;
    expectProblem(await add(employee, second.id, [submitted]), 409, 'EXPENSE_REPORT_SPEND_NOT_ADDABLE');
    expectProblem(await add(employee, second.id, ['not-a-uuid']), 422, 'VALIDATION_FAILED');
    // A line of a report is withdrawn and paid with it, never on its own.
    expectProblem(await t.as(employee).post(`/spends/${spend}/cancel`), 409, 'SPEND_IN_EXPENSE_REPORT');
    // The schema: a spend joins only a report of its own owner.
    await expect(
      t.dataSource.query(`UPDATE spends SET expense_report_id = $1 WHERE id = $2`, [mine.id, await draft(colleague)]),
    ).rejects.toThrow(/spends_expense_report_owner_fk/);
  });

  it('refuses a submission a policy blocks, an empty one, and bad dates', async () => {
    const empty = await newReport(employee);
    expectProblem(await t.as(employee).post(`/expense-reports/${empty.id}/submit`), 422, 'EXPENSE_REPORT_EMPTY');
    const casino = await draft(employee, { merchant: 'Casino' });
    await add(employee, empty.id, [casino, await draft(employee)]).expect(200);
    const blocked = await t.as(employee).post(`/expense-reports/${empty.id}/submit`);
    expectProblem(blocked, 422, 'EXPENSE_REPORT_LINE_BLOCKED');
    expect(blocked.body.errors).toEqual([{ field: `lines.${casino}`, message: 'Gambling is never reimbursed' }]);
    // Nothing was stored: still a draft, lines too.
    const after = (await t.as(employee).get(`/expense-reports/${empty.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'draft', approval_round: 0 });
    expect(after.lines.map((l: { status: string }) => l.status)).toEqual(['draft', 'draft']);
    expectProblem(
      await t.as(employee).post('/expense-reports', { title: 'x', starts_on: '2026-05-10', ends_on: '2026-05-09' }),
      422,
      'EXPENSE_REPORT_INVALID_DATES',
    );
    expectProblem(
      await t
        .as(employee)
        .post('/expense-reports', { title: 'x', starts_on: '2026-05-10', ends_on: '2026-05-12', extra: 1 }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('lets only the owner change a report; others see it by the spends rule, or get 404', async () => {
    const mine = await newReport(employee);
    expect((await t.as(manager).get(`/expense-reports/${mine.id}`)).status).toBe(200);
    expect((await t.as(accountant).get(`/expense-reports/${mine.id}`)).status).toBe(200);
    expect((await t.as(acme.admin).get(`/expense-reports/${mine.id}`)).status).toBe(200);
    expectProblem(await t.as(colleague).get(`/expense-reports/${mine.id}`), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expectProblem(await t.as(colleague).post(`/expense-reports/${mine.id}/submit`), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expectProblem(
      await t.as(manager).patch(`/expense-reports/${mine.id}`, { title: 'Mine now' }),
      403,
      'NOT_EXPENSE_REPORT_OWNER',
    );
    expectProblem(await add(acme.admin, mine.id, [await draft(employee)]), 403, 'NOT_EXPENSE_REPORT_OWNER');
    expectProblem(
      await t.as(accountant).post('/expense-reports', { title: 'x', starts_on: '2026-05-10', ends_on: '2026-05-12' }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectProblem(
      await request(t.http).post(`/api/v1/expense-reports/${mine.id}/submit`),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    // The colleague's own list does not show it; the manager's does.
    expect(
      (await t.as(colleague).get('/expense-reports').expect(200)).body.items.map((r: { id: string }) => r.id),
    ).not.toContain(mine.id);
    expect(
      (await t.as(manager).get('/expense-reports').expect(200)).body.items.map((r: { id: string }) => r.id),
    ).toContain(mine.id);
  });

  it('creates a report once per Idempotency-Key', async () => {
    const body = { title: 'Once', starts_on: '2026-05-10', ends_on: '2026-05-10' };
    const first = await t
      .as(colleague)
      .post('/expense-reports', body)
      .set('Idempotency-Key', 'report-once')
      .expect(201);
    const again = await t
      .as(colleague)
      .post('/expense-reports', body)
      .set('Idempotency-Key', 'report-once')
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('lists with filters and pagination, and exports the list as CSV', async () => {
    const owner = await t.given.user(acme, 'employee', { manager_id: manager.id });
    const march = await newReport(owner, { title: 'March', starts_on: '2026-03-01', ends_on: '2026-03-03' });
    const june = await newReport(owner, { title: '=June', starts_on: '2026-06-01', ends_on: '2026-06-02' });
    await add(owner, june.id, [await draft(owner, { amount: '99.90' })]).expect(200);
    await t.as(owner).post(`/expense-reports/${june.id}/submit`).expect(200);
    const all = (await t.as(owner).get('/expense-reports').expect(200)).body;
    expect(all).toMatchObject({ total: 2, next_cursor: null });
    expect(all.items.map((r: { id: string }) => r.id)).toEqual([june.id, march.id]);
    const page = (await t.as(owner).get('/expense-reports?limit=1&offset=1').expect(200)).body;
    expect(page.items.map((r: { id: string }) => r.id)).toEqual([march.id]);
    expect((await t.as(owner).get('/expense-reports?status=submitted').expect(200)).body.items).toHaveLength(1);
    const ranged = (
      await t.as(acme.admin).get(`/expense-reports?user_id=${owner.id}&from=2026-03-02&to=2026-03-31`).expect(200)
    ).body;
    expect(ranged.items.map((r: { id: string }) => r.id)).toEqual([march.id]);
    expectProblem(await t.as(owner).get('/expense-reports?status=lost'), 422, 'VALIDATION_FAILED');

    const csv = await t.as(owner).get('/expense-reports/export?status=submitted');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'id,user_id,title,purpose,trip,starts_on,ends_on,status,spend_count,total,approved_total,base_currency,submitted_at,decided_at,paid_at,advances_total,balance,balance_direction',
    );
    expect(rows).toHaveLength(2);
    // A title a spreadsheet would run as a formula is neutralised.
    expect(rows[1]).toContain(`${june.id},${owner.id},'=June,,,2026-06-01,2026-06-02,submitted,1,99.90,99.90,USD,`);
  });

  it('summarises a report as JSON and CSV: lines, receipts, flags, totals in the base currency, approval history', async () => {
    await t.given.rate(acme.admin, 'EUR', '1.10', '2026-05-10');
    const trip = await newReport(employee, { title: 'Paris, summarised' });
    const hotel = await draft(employee, {
      amount: '200.00',
      currency: 'EUR',
      spend_date: '2026-05-10',
      merchant: 'Hotel Lutetia',
    });
    const taxi = await draft(employee, { amount: '30.00', spend_date: '2026-05-11', merchant: 'G7 Taxi' });
    await request(t.http)
      .post(`/api/v1/spends/${hotel}/receipts`)
      .set(bearer(employee.accessToken))
      .attach('file', RECEIPT, 'hotel.jpg')
      .expect(201);
    await add(employee, trip.id, [hotel, taxi]).expect(200);
    await t.as(employee).post(`/expense-reports/${trip.id}/submit`).expect(200);
    await t
      .as(manager)
      .post(`/expense-reports/${trip.id}/lines/${taxi}/reject`, { comment: 'Taxi, not a limousine' })
      .expect(200);
    const step = (await t.as(employee).get(`/expense-reports/${trip.id}`).expect(200)).body.approvals[0];
    await t.as(manager).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);

    const summary = (await t.as(accountant).get(`/expense-reports/${trip.id}/summary`).expect(200)).body;
    expect(summary.report).toMatchObject({ id: trip.id, status: 'partly_approved' });
    expect(summary.totals).toEqual({
      total: '250.00',
      approved_total: '220.00',
      rejected_total: '30.00',
      base_currency: 'USD',
      spend_count: 2,
      receipt_count: 1,
      advances_total: '0.00',
      advances_pending: '0.00',
      balance: '220.00',
      balance_direction: 'reimburse',
    });
    expect(summary.lines).toEqual([
      expect.objectContaining({
        spend_id: hotel,
        amount: '200.00',
        currency: 'EUR',
        base_amount: '220.00',
        status: 'approved',
        receipts: [expect.objectContaining({ filename: 'hotel.jpg' })],
        policy_evaluation: expect.objectContaining({ decision: 'pending_approval' }),
        rejection_comment: null,
      }),
      expect.objectContaining({
        spend_id: taxi,
        status: 'rejected',
        rejection_comment: 'Taxi, not a limousine',
        receipts: [],
      }),
    ]);
    expect(summary.approval_history).toEqual([
      expect.objectContaining({ subject_type: 'expense_report', subject_id: trip.id, round: 1, status: 'approved' }),
    ]);

    const csv = await t.as(employee).get(`/expense-reports/${trip.id}/summary.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="expense-report-${trip.id}.csv"`);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe(
      'record,spend_id,spend_date,merchant,description,amount,currency,base_amount,base_currency,status,flags,receipts,round,step,approver,decided_by,decided_at,comment,advance_id,paid_at',
    );
    expect(rows[1]).toMatch(
      new RegExp(`^line,${hotel},2026-05-10,Hotel Lutetia,,200\\.00,EUR,220\\.00,USD,approved,[^,]*,hotel\\.jpg,`),
    );
    expect(rows[2]).toMatch(
      new RegExp(
        `^line,${taxi},2026-05-11,G7 Taxi,,30\\.00,USD,30\\.00,USD,rejected,,,,,,,,"Taxi, not a limousine",,$`,
      ),
    );
    expect(rows[3]).toMatch(new RegExp(`^approval,.*,approved,,,1,1,${manager.id},${manager.id},`));
    expect(rows[4]).toBe('total,,,,,,,220.00,USD,partly_approved,,,,,,,,"total 250.00, rejected 30.00",,');
    expect(rows[5]).toBe(
      'balance,,,,,,,220.00,USD,reimburse,,,,,,,,"approved 220.00, advances 0.00, pending advances 0.00",,',
    );
    expectProblem(
      await t.as(colleague).get(`/expense-reports/${trip.id}/summary.csv`),
      404,
      'EXPENSE_REPORT_NOT_FOUND',
    );
  });
});
