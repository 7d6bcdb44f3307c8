import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { ACH, approvedSpend, bankAccount, IBANS, PAYOUT_SETTINGS, WebhookReceiver } from './helpers/payouts';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

type Line = { id: string; item_id: string; status: string; failure_reason: string | null; payee_user_id: string };

describe('Payout batches', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let finance: TestUser;
  let accountant: TestUser;
  let erika: TestUser;
  let jan: TestUser;
  let nobody: TestUser;
  let john: TestUser;
  let stranger: TestUser;
  const receiver = new WebhookReceiver();

  const spendStatus = async (id: string) =>
    (await t.as(finance).get(`/spends/${id}`).expect(200)).body.status as string;
  const payableIds = async (query = '') =>
    (
      (await t.as(finance).get(`/payout-batches/payable?limit=100${query}`).expect(200)).body.items as Array<{
        item_id: string;
      }>
    ).map((i) => i.item_id);
  const batchOf = async (ids: string[], body: object = {}) =>
    (
      await t
        .as(finance)
        .post('/payout-batches', { items: ids.map((item_id) => ({ item_type: 'spend', item_id })), ...body })
        .expect(201)
    ).body as { id: string; status: string; lines: Line[] };

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50' });
    org = await t.given.organization('Payout Co');
    other = await t.given.organization('Other Payout Co');
    finance = await t.given.user(org, 'finance');
    accountant = await t.given.user(org, 'accountant');
    erika = await t.given.user(org, 'employee');
    jan = await t.given.user(org, 'employee');
    nobody = await t.given.user(org, 'employee');
    john = await t.given.user(org, 'employee');
    stranger = await t.given.user(other, 'employee');
    await t.given.rate(org.admin, 'EUR', '1.08', yesterday());
    await t.given.rate(org.admin, 'EUR', '1.08');
    await bankAccount(t, erika, IBANS.erika);
    await bankAccount(t, jan, IBANS.jan);
    await bankAccount(t, john, ACH.john);
    await bankAccount(t, stranger, IBANS.lea);
    await t
      .as(org.admin)
      .post('/webhook-subscriptions', { url: receiver.url(), events: ['payout.paid'] })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  describe('settings', () => {
    it('are null until finance sets them, then answered to finance and the accountant, and audited', async () => {
      expect((await t.as(finance).get('/organization/payout-settings').expect(200)).body).toEqual({
        sepa: null,
        nacha: null,
        updated_at: null,
      });
      const put = await t.as(finance).put('/organization/payout-settings', PAYOUT_SETTINGS).expect(200);
      expect(put.body).toEqual({
        sepa: { debtor_name: 'Acme GmbH', iban: 'DE02120300000000202051', bic: 'BYLADEM1001' },
        nacha: PAYOUT_SETTINGS.nacha,
        updated_at: expect.any(String),
      });
      expect((await t.as(accountant).get('/organization/payout-settings').expect(200)).body).toEqual(put.body);
      const [audit] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE organization_id = $1 AND action = 'payout_settings.updated'`,
        [org.id],
      );
      expect(audit.metadata).toEqual({ sepa: true, nacha: true });
    });

    it('refuses a wrong IBAN or routing number, field by field', async () => {
      const response = await t.as(finance).put('/organization/payout-settings', {
        sepa: { ...PAYOUT_SETTINGS.sepa, iban: 'DE02120300000000202052' },
        nacha: { ...PAYOUT_SETTINGS.nacha, odfi_routing: '021000022' },
      });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['sepa.iban', 'nacha.odfi_routing']);
    });

    it('is refused to an employee (403), the accountant writing (403) and without a token (401)', async () => {
      expectProblem(await t.as(erika).get('/organization/payout-settings'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await t.as(accountant).put('/organization/payout-settings', PAYOUT_SETTINGS),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expectProblem(await request(t.http).get('/api/v1/organization/payout-settings'), 401, 'AUTHENTICATION_REQUIRED');
    });
  });

  describe('payable items', () => {
    it('lists approved, unpaid spends with filters by payee, currency and date, and says who has bank details', async () => {
      const old = await approvedSpend(t, erika, { amount: '10.00', currency: 'EUR', spend_date: yesterday() });
      const usd = await approvedSpend(t, nobody, { amount: '7.00', merchant: 'Diner' });
      const items = (await t.as(finance).get('/payout-batches/payable?limit=100').expect(200)).body;
      expect(items.items).toEqual(
        expect.arrayContaining([
          {
            item_type: 'spend',
            item_id: old,
            payee_user_id: erika.id,
            payee_bank_account: 'iban',
            amount: '10.00',
            currency: 'EUR',
            base_amount: '10.80',
            base_currency: 'USD',
            date: yesterday(),
            description: null,
          },
          expect.objectContaining({ item_id: usd, payee_bank_account: null, description: 'Diner' }),
        ]),
      );
      expect(await payableIds(`&payee_id=${erika.id}`)).toEqual([old]);
      expect(await payableIds('&currency=USD')).toEqual([usd]);
      expect(await payableIds(`&currency=EUR&from=${today()}`)).toEqual([]);
      expect((await t.as(accountant).get('/payout-batches/payable').expect(200)).body.total).toBe(2);
      await batchOf([old]).then((b) => t.as(finance).post(`/payout-batches/${b.id}/cancel`).expect(200));
    });
  });

  describe('a batch', () => {
    let first: string;
    let second: string;
    let batch: { id: string; lines: Line[] };

    it('reserves approved spends of one currency, with totals in the currency and the base currency', async () => {
      first = await approvedSpend(t, erika, { amount: '42.50', currency: 'EUR', merchant: 'Deutsche Bahn' });
      second = await approvedSpend(t, jan, { amount: '10.00', currency: 'EUR' });
      const created = await t
        .as(finance)
        .post('/payout-batches', {
          items: [
            { item_type: 'spend', item_id: first },
            { item_type: 'spend', item_id: second },
          ],
          reference: 'Reimbursements Nov',
          execution_date: '2026-12-04',
        })
        .expect(201);
      batch = created.body;
      expect(created.body).toMatchObject({
        status: 'open',
        rail: 'sepa',
        currency: 'EUR',
        line_count: 2,
        total: '52.50',
        base_currency: 'USD',
        base_total: '56.70',
        paid_total: null,
        execution_date: '2026-12-04',
        reference: 'Reimbursements Nov',
        created_by: finance.id,
        lines: [
          {
            id: expect.any(String),
            position: 1,
            item_type: 'spend',
            item_id: first,
            payee_user_id: erika.id,
            amount: '42.50',
            currency: 'EUR',
            item_date: today(),
            description: 'Deutsche Bahn',
            status: 'pending',
            failure_reason: null,
          },
          expect.objectContaining({ position: 2, item_id: second, payee_user_id: jan.id }),
        ],
      });
      expect(await payableIds()).not.toEqual(expect.arrayContaining([first]));
      expect((await t.as(accountant).get(`/payout-batches/${batch.id}`).expect(200)).body).toEqual(created.body);
      const list = (await t.as(accountant).get('/payout-batches?status=open').expect(200)).body;
      expect(list.items.map((b: { id: string }) => b.id)).toContain(batch.id);
      expect(list.items[0]).not.toHaveProperty('lines');
    });

    it('keeps its spends from being paid singly or put in another batch (409 SPEND_IN_PAYOUT_BATCH)', async () => {
      const single = await t.as(finance).post(`/spends/${first}/pay`, { reference: 'by hand' });
      expectProblem(single, 409, 'SPEND_IN_PAYOUT_BATCH');
      expect(single.body.detail).toContain(batch.id);
      expectProblem(
        await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: first }] }),
        409,
        'SPEND_IN_PAYOUT_BATCH',
      );
      expect(await spendStatus(first)).toBe('approved');
    });

    it('cannot be marked paid before its file is exported', async () => {
      expectProblem(await t.as(finance).post(`/payout-batches/${batch.id}/paid`, {}), 409, 'PAYOUT_BATCH_NOT_PAYABLE');
    });

    it('is marked paid in one go: each spend paid and audited, a failed line back to approved, payout.paid delivered', async () => {
      await t.as(finance).get(`/payout-batches/${batch.id}/file`).expect(200);
      const failedLine = batch.lines.find((l) => l.item_id === second)!;
      const paid = await t
        .as(finance)
        .post(`/payout-batches/${batch.id}/paid`, {
          paid_at: '2026-12-04T10:00:00.000Z',
          failed_lines: [{ line_id: failedLine.id, reason: 'Account closed (AC04)' }],
        })
        .expect(200);
      expect(paid.body).toMatchObject({ status: 'paid', paid_total: '42.50', paid_at: '2026-12-04T10:00:00.000Z' });
      expect(paid.body.lines.map((l: Line) => [l.item_id, l.status, l.failure_reason])).toEqual([
        [first, 'paid', null],
        [second, 'failed', 'Account closed (AC04)'],
      ]);

      const spend = (await t.as(finance).get(`/spends/${first}`).expect(200)).body;
      expect(spend).toMatchObject({
        status: 'paid',
        payment_reference: 'Reimbursements Nov',
        paid_at: '2026-12-04T10:00:00.000Z',
      });
      expect(await spendStatus(second)).toBe('approved');
      expect(await payableIds()).toContain(second);

      const audit: Array<{ action: string; entity_id: string; metadata: Record<string, unknown> }> =
        await t.dataSource.query(
          `SELECT action, entity_id, metadata FROM audit_logs
           WHERE organization_id = $1 AND (entity_id = $2 OR entity_id = ANY($3::text[])) ORDER BY seq`,
          [org.id, batch.id, [first, second]],
        );
      const actions = audit.map(
        (a) => `${a.action} ${a.entity_id === batch.id ? 'batch' : a.entity_id === first ? 'first' : 'second'}`,
      );
      expect(actions.filter((a) => /^(payout_batch\.|spend\.paid|spend\.payout_failed)/.test(a))).toEqual([
        'payout_batch.created batch',
        'payout_batch.exported batch',
        'spend.paid first',
        'spend.payout_failed second',
        'payout_batch.paid batch',
      ]);
      expect(audit.find((a) => a.action === 'spend.paid')!.metadata).toMatchObject({ payout_batch_id: batch.id });
      expect(audit.find((a) => a.action === 'spend.payout_failed')!.metadata).toMatchObject({
        reason: 'Account closed (AC04)',
      });

      const event = await until(
        () =>
          receiver.bodies.find(
            (b) => b.type === 'payout.paid' && (b.data as { batch_id: string }).batch_id === batch.id,
          ),
        'the payout.paid webhook',
      );
      expect(event.data).toMatchObject({
        batch_id: batch.id,
        rail: 'sepa',
        currency: 'EUR',
        paid_total: '42.50',
        lines: [
          expect.objectContaining({ item_id: first, status: 'paid', amount: '42.50', payee_user_id: erika.id }),
          expect.objectContaining({ item_id: second, status: 'failed', failure_reason: 'Account closed (AC04)' }),
        ],
      });
    });

    it('refuses a paid spend in a new batch, and marking a paid batch paid or cancelling it', async () => {
      expectProblem(
        await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: first }] }),
        409,
        'SPEND_NOT_PAYABLE',
      );
      expectProblem(await t.as(finance).post(`/payout-batches/${batch.id}/paid`, {}), 409, 'PAYOUT_BATCH_NOT_PAYABLE');
      expectProblem(
        await t.as(finance).post(`/payout-batches/${batch.id}/cancel`),
        409,
        'PAYOUT_BATCH_NOT_CANCELLABLE',
      );
      expectProblem(await t.as(finance).get(`/payout-batches/${batch.id}/file`), 409, 'PAYOUT_BATCH_NOT_EXPORTABLE');
    });

    it('puts the failed spend in a new batch, and cancelling that one releases it again', async () => {
      const again = await batchOf([second]);
      const cancelled = await t.as(finance).post(`/payout-batches/${again.id}/cancel`).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String) });
      expect(cancelled.body.lines[0].status).toBe('cancelled');
      expect(await payableIds()).toContain(second);
      await t.as(finance).post(`/spends/${second}/pay`, { reference: 'by hand' }).expect(200);
    });

    it('cancels an exported batch only on word that its file never reached the bank (409 PAYOUT_BATCH_EXPORTED)', async () => {
      const spend = await approvedSpend(t, erika, { amount: '12.00', currency: 'EUR', merchant: 'Taxi' });
      const exported = await batchOf([spend]);
      await t.as(finance).get(`/payout-batches/${exported.id}/file`).expect(200);
      // The file may be at the bank: releasing the spend now could pay it twice.
      expectProblem(await t.as(finance).post(`/payout-batches/${exported.id}/cancel`), 409, 'PAYOUT_BATCH_EXPORTED');
      expectProblem(
        await t.as(finance).post(`/payout-batches/${exported.id}/cancel`, { not_sent_to_bank: false, reason: 'x' }),
        409,
        'PAYOUT_BATCH_EXPORTED',
      );
      const noReason = await t.as(finance).post(`/payout-batches/${exported.id}/cancel`, { not_sent_to_bank: true });
      expectProblem(noReason, 422, 'VALIDATION_FAILED');
      expect(noReason.body.errors).toEqual([{ field: 'reason', message: 'is required to cancel an exported batch' }]);
      expect((await t.as(finance).get(`/payout-batches/${exported.id}`).expect(200)).body.status).toBe('exported');
      expect(await payableIds()).not.toContain(spend);

      const cancelled = await t
        .as(finance)
        .post(`/payout-batches/${exported.id}/cancel`, { not_sent_to_bank: true, reason: 'Bank portal upload failed' })
        .expect(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        lines: [expect.objectContaining({ status: 'cancelled' })],
      });
      expect(await payableIds()).toContain(spend);
      const [audit] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE organization_id = $1 AND action = 'payout_batch.cancelled' AND entity_id = $2`,
        [org.id, exported.id],
      );
      expect(audit.metadata).toMatchObject({
        from: 'exported',
        not_sent_to_bank: true,
        reason: 'Bank portal upload failed',
      });
      await t.as(finance).post(`/spends/${spend}/pay`, { reference: 'by hand' }).expect(200);
    });
  });

  describe('refusals', () => {
    it('refuses mixed currencies and reserves nothing', async () => {
      const eur = await approvedSpend(t, erika, { amount: '5.00', currency: 'EUR' });
      const usd = await approvedSpend(t, john, { amount: '5.00' });
      const response = await t.as(finance).post('/payout-batches', {
        items: [
          { item_type: 'spend', item_id: eur },
          { item_type: 'spend', item_id: usd },
        ],
      });
      expectProblem(response, 422, 'PAYOUT_MIXED_CURRENCIES');
      expect(response.body.currencies).toEqual({ EUR: 1, USD: 1 });
      expect(await payableIds()).toEqual(expect.arrayContaining([eur, usd]));
      expectProblem(
        await t.as(finance).post('/payout-batches', { currency: 'USD', items: [{ item_type: 'spend', item_id: eur }] }),
        422,
        'PAYOUT_MIXED_CURRENCIES',
      );
    });

    it('refuses payees without bank details for the rail, naming them', async () => {
      const none = await approvedSpend(t, nobody, { amount: '3.00' });
      const achPayee = await approvedSpend(t, john, { amount: '4.00', currency: 'EUR' });
      const response = await t.as(finance).post('/payout-batches', { currency: 'EUR', payee_id: john.id });
      expectProblem(response, 422, 'PAYEE_BANK_DETAILS_MISSING');
      expect(response.body.payees).toEqual([{ user_id: john.id, bank_account: 'us_ach' }]);
      const missing = await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: none }] });
      expectProblem(missing, 422, 'PAYEE_BANK_DETAILS_MISSING');
      expect(missing.body.payees).toEqual([{ user_id: nobody.id, bank_account: null }]);
      expect(await payableIds()).toEqual(expect.arrayContaining([none, achPayee]));
    });

    it('builds a batch from a filter', async () => {
      const batch = (await t.as(finance).post('/payout-batches', { currency: 'USD', payee_id: john.id }).expect(201))
        .body;
      expect(batch).toMatchObject({ rail: 'nacha', currency: 'USD' });
      expect(batch.lines.every((l: Line) => l.payee_user_id === john.id)).toBe(true);
      await t.as(finance).post(`/payout-batches/${batch.id}/cancel`).expect(200);
      expectProblem(
        await t.as(finance).post('/payout-batches', { currency: 'USD', payee_id: erika.id }),
        422,
        'NOTHING_TO_PAY',
      );
      expectProblem(
        await t.as(finance).post('/payout-batches', { currency: 'GBP' }),
        422,
        'PAYOUT_CURRENCY_UNSUPPORTED',
      );
      expectProblem(await t.as(finance).post('/payout-batches', { payee_id: john.id }), 422, 'VALIDATION_FAILED');
    });

    it("answers 404 for another organization's spends and batches", async () => {
      const theirs = await approvedSpend(t, stranger, { amount: '9.00', currency: 'USD' });
      expectProblem(
        await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: theirs }] }),
        404,
        'SPEND_NOT_FOUND',
      );
      await t.given.rate(other.admin, 'EUR', '1.08');
      const otherFinance = await t.given.user(other, 'finance');
      const their = await approvedSpend(t, stranger, { amount: '9.00', currency: 'EUR' });
      const theirBatch = (
        await t
          .as(otherFinance)
          .post('/payout-batches', { items: [{ item_type: 'spend', item_id: their }] })
          .expect(201)
      ).body;
      for (const call of [
        t.as(finance).get(`/payout-batches/${theirBatch.id}`),
        t.as(finance).get(`/payout-batches/${theirBatch.id}/file`),
        t.as(finance).post(`/payout-batches/${theirBatch.id}/paid`, {}),
        t.as(org.admin).post(`/payout-batches/${theirBatch.id}/cancel`),
      ])
        expectProblem(await call, 404, 'PAYOUT_BATCH_NOT_FOUND');
      expect((await t.as(otherFinance).get(`/payout-batches/${theirBatch.id}`).expect(200)).body.status).toBe('open');
    });

    it('refuses the caller’s own spend (403 SELF_PAYMENT_FORBIDDEN)', async () => {
      await bankAccount(t, finance, IBANS.lea);
      const own = await approvedSpend(t, finance, { amount: '6.00', currency: 'EUR' });
      expectProblem(
        await t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: own }] }),
        403,
        'SELF_PAYMENT_FORBIDDEN',
      );
    });

    it('is finance and admin work: 403 to an employee and to the accountant writing, 401 without a token', async () => {
      const id = await approvedSpend(t, jan, { amount: '2.00', currency: 'EUR' });
      const body = { items: [{ item_type: 'spend', item_id: id }] };
      expectProblem(await t.as(erika).post('/payout-batches', body), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await t.as(erika).get('/payout-batches'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await t.as(erika).get('/payout-batches/payable'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await t.as(accountant).post('/payout-batches', body), 403, 'INSUFFICIENT_PERMISSIONS');
      const batch = await t.as(org.admin).post('/payout-batches', body).expect(201);
      expectProblem(
        await t.as(accountant).get(`/payout-batches/${batch.body.id}/file`),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expectProblem(await t.as(erika).post(`/payout-batches/${batch.body.id}/cancel`), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await request(t.http).get('/api/v1/payout-batches'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await request(t.http).post('/api/v1/payout-batches').send(body), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(
        await request(t.http).post(`/api/v1/payout-batches/${batch.body.id}/paid`).send({}),
        401,
        'AUTHENTICATION_REQUIRED',
      );
    });

    it('lets one of two batches racing for the same spend have it, and a single payment racing a batch too', async () => {
      const contested = await approvedSpend(t, jan, { amount: '11.00', currency: 'EUR' });
      const body = { items: [{ item_type: 'spend', item_id: contested }] };
      const answers = await Promise.all([
        t.as(finance).post('/payout-batches', body),
        t.as(org.admin).post('/payout-batches', body),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)!.body.code).toBe('SPEND_IN_PAYOUT_BATCH');
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS lines FROM payout_batch_lines WHERE item_id = $1 AND status = 'pending'`,
        [contested],
      );
      expect(row.lines).toBe(1);

      const raced = await approvedSpend(t, jan, { amount: '12.00', currency: 'EUR' });
      const [batched, single] = await Promise.all([
        t.as(finance).post('/payout-batches', { items: [{ item_type: 'spend', item_id: raced }] }),
        t.as(org.admin).post(`/spends/${raced}/pay`, {}),
      ]);
      if (single.status === 200) expectProblem(batched, 409, 'SPEND_NOT_PAYABLE');
      else {
        expect(batched.status).toBe(201);
        expectProblem(single, 409, 'SPEND_IN_PAYOUT_BATCH');
      }
    });

    it('replays a creation retried with the same Idempotency-Key instead of refusing its own spends', async () => {
      const id = await approvedSpend(t, jan, { amount: '13.00', currency: 'EUR' });
      const body = { items: [{ item_type: 'spend', item_id: id }] };
      const key = `payout-${id}`;
      const first = await t.as(finance).post('/payout-batches', body).set('Idempotency-Key', key).expect(201);
      const again = await t.as(finance).post('/payout-batches', body).set('Idempotency-Key', key).expect(201);
      expect(again.body.id).toBe(first.body.id);
      await t.as(finance).post(`/payout-batches/${first.body.id}/cancel`).expect(200);
    });

    it('refuses a failed line that is not in the batch', async () => {
      const id = await approvedSpend(t, jan, { amount: '1.00', currency: 'EUR' });
      const batch = await batchOf([id]);
      await t.as(finance).get(`/payout-batches/${batch.id}/file`).expect(200);
      expectProblem(
        await t.as(finance).post(`/payout-batches/${batch.id}/paid`, {
          failed_lines: [{ line_id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', reason: 'x' }],
        }),
        422,
        'PAYOUT_LINE_NOT_IN_BATCH',
      );
      expect((await t.as(finance).get(`/payout-batches/${batch.id}`).expect(200)).body.status).toBe('exported');
    });
  });
});

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}
