import type { TestOrganization, TestUser } from './helpers/given';
import { bankAccount, IBANS, PAYOUT_SETTINGS } from './helpers/payouts';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * A report's paid cash advances offset what a payout batch pays for it: the payable list and
 * the batch line carry the balance, and a report owed back is neither listed nor batched.
 */
describe('Payout batches: expense reports offset by cash advances', () => {
  let t: TestApp;
  let org: TestOrganization;
  let finance: TestUser;
  let erika: TestUser;

  /** An approved report of one 500.00 EUR line, with a paid advance of `advance` EUR linked to it. */
  const reportWithAdvance = async (advance: string, title: string): Promise<string> => {
    const report = (
      await t
        .as(erika)
        .post('/expense-reports', { title, starts_on: '2026-03-02', ends_on: '2026-03-04', trip: 'Lyon, FR' })
        .expect(201)
    ).body.id as string;
    const spend = await t.given.spend(erika, {
      amount: '500.00',
      currency: 'EUR',
      spend_date: '2026-03-03',
      merchant: 'Hotel',
      draft: true,
    });
    await t
      .as(erika)
      .post(`/expense-reports/${report}/spends`, { spend_ids: [spend.id] })
      .expect(200);
    const requested = await t
      .as(erika)
      .post('/advances', { amount: advance, currency: 'EUR', purpose: `Cash for ${title}`, expense_report_id: report })
      .expect(201);
    expect(requested.body.status).toBe('approved');
    await t
      .as(finance)
      .post(`/advances/${requested.body.id}/pay`, { reference: `CASH-${title}` })
      .expect(200);
    expect((await t.as(erika).post(`/expense-reports/${report}/submit`).expect(200)).body.status).toBe('approved');
    return report;
  };
  const payable = async () =>
    (await t.as(finance).get('/payout-batches/payable?item_type=expense_report&limit=100').expect(200)).body
      .items as Array<{ item_id: string; amount: string; currency: string }>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Advance Offsets Co');
    await t.as(org.admin).patch('/organization', { base_currency: 'EUR' }).expect(200);
    finance = await t.given.user(org, 'finance');
    erika = await t.given.user(org, 'employee');
    await bankAccount(t, erika, IBANS.erika);
    await t.as(finance).put('/organization/payout-settings', PAYOUT_SETTINGS).expect(200);
  });
  afterAll(() => t?.close());

  it('pays the balance: 500.00 approved less a paid 300.00 advance is one 200.00 EUR line', async () => {
    const report = await reportWithAdvance('300.00', 'reimbursed');
    const detail = (await t.as(finance).get(`/expense-reports/${report}`).expect(200)).body;
    expect(detail).toMatchObject({ balance: '200.00', balance_direction: 'reimburse' });

    expect((await payable()).find((i) => i.item_id === report)).toMatchObject({ amount: '200.00', currency: 'EUR' });
    const batch = await t
      .as(finance)
      .post('/payout-batches', { items: [{ item_type: 'expense_report', item_id: report }] })
      .expect(201);
    expect(batch.body.lines).toEqual([expect.objectContaining({ item_id: report, amount: '200.00' })]);
  });

  it('does not pay out an advance once its report is decided: the report is paid in full, the advance never', async () => {
    const report = (
      await t
        .as(erika)
        .post('/expense-reports', { title: 'late cash', starts_on: '2026-03-02', ends_on: '2026-03-04' })
        .expect(201)
    ).body.id as string;
    const spend = await t.given.spend(erika, {
      amount: '500.00',
      currency: 'EUR',
      spend_date: '2026-03-03',
      draft: true,
    });
    await t
      .as(erika)
      .post(`/expense-reports/${report}/spends`, { spend_ids: [spend.id] })
      .expect(200);
    const advance = (
      await t
        .as(erika)
        .post('/advances', {
          amount: '300.00',
          currency: 'EUR',
          purpose: 'Cash, not yet paid',
          expense_report_id: report,
        })
        .expect(201)
    ).body.id as string;
    await t.as(erika).post(`/expense-reports/${report}/submit`).expect(200);

    // Approved with the advance unpaid, the report is owed its whole 500.00; paying the advance now would pay 300.00 twice.
    expect((await payable()).find((i) => i.item_id === report)).toMatchObject({ amount: '500.00' });
    expectProblem(
      await t.as(finance).post(`/advances/${advance}/pay`, { reference: 'CASH-LATE' }),
      409,
      'ADVANCE_REPORT_CLOSED',
    );
    expect((await t.as(finance).get(`/advances/${advance}`).expect(200)).body.status).toBe('approved');
    const batch = await t
      .as(finance)
      .post('/payout-batches', { items: [{ item_type: 'expense_report', item_id: report }] })
      .expect(201);
    expect(batch.body.lines).toEqual([expect.objectContaining({ item_id: report, amount: '500.00' })]);
  });

  it('neither lists nor batches a report owed back (a 600.00 advance on 500.00)', async () => {
    const report = await reportWithAdvance('600.00', 'owed-back');
    const detail = (await t.as(finance).get(`/expense-reports/${report}`).expect(200)).body;
    expect(detail).toMatchObject({ balance: '-100.00', balance_direction: 'owed_back' });

    expect((await payable()).map((i) => i.item_id)).not.toContain(report);
    expectProblem(
      await t.as(finance).post('/payout-batches', { items: [{ item_type: 'expense_report', item_id: report }] }),
      409,
      'EXPENSE_REPORT_NOT_PAYABLE',
    );
  });
});
