import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { validateXML } from 'xmllint-wasm';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { ACH, bankAccount, IBANS, PAYOUT_SETTINGS, WebhookReceiver } from './helpers/payouts';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const XSD = readFileSync(join(__dirname, 'fixtures/iso20022/pain.001.001.09.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'payout.xml', contents: xml }],
    schema: [{ fileName: 'pain.001.001.09.xsd', contents: XSD }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

type Line = { id: string; item_type: string; item_id: string; amount: string; status: string; description: string };
type Report = { id: string; spendIds: string[] };

/**
 * Expense reports paid through payout batches: a decided report is one line, its balance (the
 * approved lines' base amounts) paid to its owner in the organization's base currency (EUR here).
 */
describe('Payout batches: expense reports', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let finance: TestUser;
  let manager: TestUser;
  let erika: TestUser;
  let jan: TestUser;
  let stranger: TestUser;
  const receiver = new WebhookReceiver();

  // approved: 120.00 EUR + 50.00 USD at 0.90 = 165.00 EUR; partly: 1200.00 rejected, 30.00 approved;
  // small: 80.00 EUR, approved; submitted: waits for the manager; draft: never submitted.
  let approved: Report;
  let partly: Report;
  let small: Report;
  let submitted: Report;
  let draft: Report;
  let batch: { id: string; lines: Line[] };

  const reportOf = async (owner: TestUser, lines: Array<[string, string]>, title = 'Berlin workshop') => {
    const created = await t
      .as(owner)
      .post('/expense-reports', { title, starts_on: '2026-03-02', ends_on: '2026-03-04', trip: 'Berlin, DE' })
      .expect(201);
    const spendIds: string[] = [];
    for (const [amount, currency] of lines)
      spendIds.push(
        (await t.given.spend(owner, { amount, currency, spend_date: '2026-03-03', merchant: 'Hotel', draft: true })).id,
      );
    await t.as(owner).post(`/expense-reports/${created.body.id}/spends`, { spend_ids: spendIds }).expect(200);
    return { id: created.body.id as string, spendIds };
  };
  const submit = async (owner: TestUser, report: Report, status: string) => {
    const body = (await t.as(owner).post(`/expense-reports/${report.id}/submit`).expect(200)).body;
    expect(body.status).toBe(status);
  };
  const reportOfFinance = (id: string) => t.as(finance).get(`/expense-reports/${id}`).expect(200);
  const payable = async (query = '') =>
    (await t.as(finance).get(`/payout-batches/payable?item_type=expense_report&limit=100${query}`).expect(200)).body
      .items as Array<Record<string, unknown>>;
  const payableIds = async (query = '') => (await payable(query)).map((i) => i.item_id);
  const items = (...ids: string[]) => ({ items: ids.map((item_id) => ({ item_type: 'expense_report', item_id })) });

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50' });
    org = await t.given.organization('Report Payouts Co');
    other = await t.given.organization('Other Report Payouts Co');
    await t.as(org.admin).patch('/organization', { base_currency: 'EUR' }).expect(200);
    await t.as(other.admin).patch('/organization', { base_currency: 'EUR' }).expect(200);
    finance = await t.given.user(org, 'finance');
    manager = await t.given.user(org, 'manager');
    erika = await t.given.user(org, 'employee', { manager_id: manager.id });
    jan = await t.given.user(org, 'employee', { manager_id: manager.id });
    stranger = await t.given.user(other, 'employee');
    await t.given.rate(org.admin, 'USD', '0.90', '2026-03-01');
    // A trip over 1000 EUR waits for the manager; smaller ones are approved on submission.
    await t.given.policy(org.admin, [
      {
        id: 'big-trip',
        condition: { report_total_gt: 1000 },
        action: { type: 'require_approval', approver: 'manager' },
        priority: 1,
      },
    ]);
    await bankAccount(t, erika, IBANS.erika);
    await bankAccount(t, jan, IBANS.jan);
    await bankAccount(t, stranger, IBANS.lea);
    await t.as(finance).put('/organization/payout-settings', PAYOUT_SETTINGS).expect(200);
    await t
      .as(org.admin)
      .post('/webhook-subscriptions', { url: receiver.url(), events: ['payout.paid', 'expense_report.paid'] })
      .expect(201);

    approved = await reportOf(erika, [
      ['120.00', 'EUR'],
      ['50.00', 'USD'],
    ]);
    await submit(erika, approved, 'approved');
    partly = await reportOf(jan, [
      ['1200.00', 'EUR'],
      ['30.00', 'EUR'],
    ]);
    await submit(jan, partly, 'submitted');
    await t
      .as(manager)
      .post(`/expense-reports/${partly.id}/lines/${partly.spendIds[0]}/reject`, { comment: 'No receipt' })
      .expect(200);
    const step = (await t.as(jan).get(`/expense-reports/${partly.id}`).expect(200)).body.approvals.find(
      (a: { status: string }) => a.status === 'pending',
    );
    await t.as(manager).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);
    expect((await reportOfFinance(partly.id)).body.status).toBe('partly_approved');
    small = await reportOf(jan, [['80.00', 'EUR']], 'Hamburg visit');
    await submit(jan, small, 'approved');
    submitted = await reportOf(erika, [['1500.00', 'EUR']]);
    await submit(erika, submitted, 'submitted');
    draft = await reportOf(erika, [['10.00', 'EUR']]);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('lists decided reports with their balance in the base currency, filtered by payee, currency and end date', async () => {
    // Oldest ends_on first, then by id: all three end on 2026-03-04.
    const listed = await payable();
    expect(listed.map((i) => i.item_id)).toEqual([approved.id, partly.id, small.id].sort());
    expect(listed.find((i) => i.item_id === approved.id)).toEqual({
      item_type: 'expense_report',
      item_id: approved.id,
      payee_user_id: erika.id,
      payee_bank_account: 'iban',
      amount: '165.00',
      currency: 'EUR',
      base_amount: '165.00',
      base_currency: 'EUR',
      date: '2026-03-04',
      description: `Expense report ${approved.id} Berlin workshop`,
    });
    expect(listed.find((i) => i.item_id === partly.id)).toMatchObject({ amount: '30.00', payee_user_id: jan.id });
    expect(listed.find((i) => i.item_id === small.id)).toMatchObject({ amount: '80.00' });
    expect(await payableIds(`&payee_id=${erika.id}`)).toEqual([approved.id]);
    expect(await payableIds('&currency=USD')).toEqual([]);
    expect(await payableIds('&from=2026-03-05')).toEqual([]);
    expect(await payableIds('&from=2026-03-04&to=2026-03-04')).toHaveLength(3);
    // Their lines are paid with them, never listed as spends.
    const spends = (await t.as(finance).get('/payout-batches/payable?limit=100').expect(200)).body.items;
    expect(spends).toEqual([]);
  });

  it('refuses a draft or submitted report (409 EXPENSE_REPORT_NOT_PAYABLE) and a line as a spend (409)', async () => {
    for (const report of [draft, submitted])
      expectProblem(await t.as(finance).post('/payout-batches', items(report.id)), 409, 'EXPENSE_REPORT_NOT_PAYABLE');
    const line = approved.spendIds[0];
    expectProblem(
      await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: line }] }),
      409,
      'SPEND_IN_EXPENSE_REPORT',
    );
    expectProblem(await t.as(finance).post(`/spends/${line}/pay`, {}), 409, 'SPEND_IN_EXPENSE_REPORT');
    expect((await reportOfFinance(approved.id)).body.status).toBe('approved');
  });

  it("refuses another organization's report (404), an employee (403), no token (401)", async () => {
    const theirs = await reportOf(stranger, [['20.00', 'EUR']]);
    await submit(stranger, theirs, 'approved');
    expectProblem(await t.as(finance).post('/payout-batches', items(theirs.id)), 404, 'EXPENSE_REPORT_NOT_FOUND');
    expect(await payableIds()).not.toContain(theirs.id);

    expectProblem(
      await t.as(erika).get('/payout-batches/payable?item_type=expense_report'),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectProblem(await t.as(erika).post('/payout-batches', items(approved.id)), 403, 'INSUFFICIENT_PERMISSIONS');
    expectProblem(
      await request(t.http).get('/api/v1/payout-batches/payable?item_type=expense_report'),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    expectProblem(
      await request(t.http).post('/api/v1/payout-batches').send(items(approved.id)),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });

  it('a filter batches the matching reports; cancelling the batch makes them payable again', async () => {
    const created = await t
      .as(finance)
      .post('/payout-batches', { item_type: 'expense_report', currency: 'EUR', payee_id: jan.id })
      .expect(201);
    expect(created.body.lines.map((l: Line) => l.item_id).sort()).toEqual([partly.id, small.id].sort());
    expect(created.body).toMatchObject({ total: '110.00', currency: 'EUR', base_total: '110.00' });
    expect(await payableIds()).toEqual([approved.id]);
    await t.as(finance).post(`/payout-batches/${created.body.id}/cancel`).expect(200);
    expect(await payableIds()).toHaveLength(3);
  });

  it('pays each report as one SEPA credit of its balance, the file valid against the schema, the remittance naming the report', async () => {
    batch = (
      await t
        .as(finance)
        .post('/payout-batches', {
          ...items(approved.id, partly.id, small.id),
          execution_date: '2026-12-07',
          reference: 'Trips March',
        })
        .expect(201)
    ).body;
    expect(batch.lines.map((l) => [l.item_type, l.item_id, l.amount])).toEqual([
      ['expense_report', approved.id, '165.00'],
      ['expense_report', partly.id, '30.00'],
      ['expense_report', small.id, '80.00'],
    ]);
    expectProblem(
      await t.as(finance).post('/payout-batches', items(approved.id)),
      409,
      'EXPENSE_REPORT_IN_PAYOUT_BATCH',
    );
    expect(await payableIds()).toEqual([]);

    const xml = (await t.as(finance).get(`/payout-batches/${batch.id}/file`).buffer(true).expect(200)).text;
    expect(await schemaErrors(xml)).toEqual([]);
    const tag = (name: string) =>
      [...xml.matchAll(new RegExp(`<${name}[^>]*>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
    expect(tag('NbOfTxs')).toEqual(['3', '3']);
    expect(tag('CtrlSum')).toEqual(['275.00', '275.00']);
    expect(tag('InstdAmt')).toEqual(['165.00', '30.00', '80.00']);
    expect(tag('Ustrd')).toEqual([
      `Trips March Expense report ${approved.id} Berlin workshop`,
      `Trips March Expense report ${partly.id} Berlin workshop`,
      `Trips March Expense report ${small.id} Hamburg visit`,
    ]);
  });

  it('marks the batch paid: reports and their approved lines paid, a failed report approved again, audited, payout.paid', async () => {
    const failed = batch.lines.find((l) => l.item_id === small.id)!;
    const paid = await t
      .as(finance)
      .post(`/payout-batches/${batch.id}/paid`, {
        paid_at: '2026-12-08T09:00:00.000Z',
        failed_lines: [{ line_id: failed.id, reason: 'Account closed (AC04)' }],
      })
      .expect(200);
    expect(paid.body).toMatchObject({ status: 'paid', paid_total: '195.00' });

    const paidReport = (await reportOfFinance(approved.id)).body;
    expect(paidReport).toMatchObject({ status: 'paid', payment_reference: 'Trips March' });
    expect(paidReport.lines.map((l: { status: string }) => l.status)).toEqual(['paid', 'paid']);
    const partlyPaid = (await reportOfFinance(partly.id)).body;
    expect(partlyPaid.status).toBe('paid');
    expect(
      Object.fromEntries(partlyPaid.lines.map((l: { spend_id: string; status: string }) => [l.spend_id, l.status])),
    ).toEqual({ [partly.spendIds[0]]: 'rejected', [partly.spendIds[1]]: 'paid' });
    const returned = (await reportOfFinance(small.id)).body;
    expect(returned.status).toBe('approved');
    expect(returned.lines.map((l: { status: string }) => l.status)).toEqual(['approved']);
    expect(await payableIds()).toEqual([small.id]);

    // One audit entry per batch line (the report's), and one per line of a report paid.
    const audit: Array<{ action: string; entity_id: string; metadata: Record<string, unknown> }> =
      await t.dataSource.query(
        `SELECT action, entity_id, metadata FROM audit_logs
         WHERE organization_id = $1 AND entity_id = ANY($2::text[])
           AND action IN ('expense_report.paid', 'expense_report.payout_failed', 'spend.paid') ORDER BY seq`,
        [org.id, [approved, partly, small].flatMap((r) => [r.id, ...r.spendIds])],
      );
    expect(audit.filter((a) => a.action.startsWith('expense_report.')).map((a) => [a.action, a.entity_id])).toEqual([
      ['expense_report.paid', approved.id],
      ['expense_report.paid', partly.id],
      ['expense_report.payout_failed', small.id],
    ]);
    expect(
      audit
        .filter((a) => a.action === 'spend.paid')
        .map((a) => a.entity_id)
        .sort(),
    ).toEqual([...approved.spendIds, partly.spendIds[1]].sort());
    expect(audit.find((a) => a.entity_id === approved.id)!.metadata).toMatchObject({ payout_batch_id: batch.id });
    expect(audit.find((a) => a.entity_id === small.id)!.metadata).toMatchObject({
      payout_batch_id: batch.id,
      reason: 'Account closed (AC04)',
      status: 'approved',
    });

    const event = await until(
      () =>
        receiver.bodies.find((b) => b.type === 'payout.paid' && (b.data as { batch_id: string }).batch_id === batch.id),
      'the payout.paid webhook',
    );
    expect(event.data).toMatchObject({
      batch_id: batch.id,
      currency: 'EUR',
      paid_total: '195.00',
      lines: [
        expect.objectContaining({
          item_type: 'expense_report',
          item_id: approved.id,
          status: 'paid',
          amount: '165.00',
        }),
        expect.objectContaining({ item_type: 'expense_report', item_id: partly.id, status: 'paid', amount: '30.00' }),
        expect.objectContaining({ item_type: 'expense_report', item_id: small.id, status: 'failed' }),
      ],
    });

    // A paid report's owner hears of it, in the inbox and by webhook.
    const reportPaid = await until(
      () =>
        receiver.bodies.find(
          (b) =>
            b.type === 'expense_report.paid' &&
            (b.data as { expense_report_id: string }).expense_report_id === approved.id,
        ),
      'the expense_report.paid webhook',
    );
    expect(reportPaid.data).toMatchObject({ user_id: erika.id, payout_batch_id: batch.id, spend: null });
    const inbox = await until(async () => {
      const items = (await t.as(erika).get('/notifications').expect(200)).body.items as Array<Record<string, unknown>>;
      return items.find((n) => n.type === 'expense_report.paid' && n.entity_id === approved.id);
    }, "erika's expense_report.paid notification");
    expect(inbox).toMatchObject({ entity_type: 'expense_report', title: 'Expense report paid: Berlin workshop' });
  });

  it('refuses a paid report in a new batch (409 EXPENSE_REPORT_NOT_PAYABLE); the failed one can be batched again', async () => {
    expectProblem(await t.as(finance).post('/payout-batches', items(approved.id)), 409, 'EXPENSE_REPORT_NOT_PAYABLE');
    const again = await t.as(finance).post('/payout-batches', items(small.id)).expect(201);
    expect(again.body.lines.map((l: Line) => [l.item_id, l.amount])).toEqual([[small.id, '80.00']]);
  });

  it('refuses finance their own report (403 EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN); a filter leaves it out', async () => {
    const own = await reportOf(finance, [['15.00', 'EUR']]);
    await submit(finance, own, 'approved');
    expectProblem(
      await t.as(finance).post('/payout-batches', items(own.id)),
      403,
      'EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN',
    );

    expect(await payableIds()).toEqual([own.id]);
    expectProblem(
      await t.as(finance).post('/payout-batches', { item_type: 'expense_report', currency: 'EUR' }),
      422,
      'NOTHING_TO_PAY',
    );
  });

  it('pays a report of a USD organization as one NACHA entry of its balance', async () => {
    const us = await t.given.organization('Report Payouts Inc');
    const usFinance = await t.given.user(us, 'finance');
    const john = await t.given.user(us, 'employee');
    await bankAccount(t, john, ACH.john);
    await t.as(usFinance).put('/organization/payout-settings', PAYOUT_SETTINGS).expect(200);
    const trip = await reportOf(john, [
      ['40.00', 'USD'],
      ['2.50', 'USD'],
    ]);
    await submit(john, trip, 'approved');
    const b = (await t.as(usFinance).post('/payout-batches', items(trip.id)).expect(201)).body;
    expect(b).toMatchObject({ rail: 'nacha', currency: 'USD', total: '42.50' });
    const records = (await t.as(usFinance).get(`/payout-batches/${b.id}/file`).expect(200)).text.split('\n');
    const entries = records.filter((r: string) => r[0] === '6');
    expect(entries.map((e: string) => [Number(e.slice(29, 39)), e.slice(39, 54).trim()])).toEqual([
      [4250, b.lines[0].id.replace(/-/g, '').slice(0, 15).toUpperCase()],
    ]);
  });
});
