import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestOrganization, TestSpend, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const today = new Date().toISOString().slice(0, 10);

/**
 * The accountant: inside one organization, reads every spend, receipt, report, export and the
 * audit log and keeps the codes accounting books on (categories, vendors); never approves, never
 * pays, administers nothing else. Given through the admin API like any other role.
 */
describe('The accountant role', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let employee: TestUser;
  let finance: TestUser;
  let accountant: TestUser;
  let otherAccountant: TestUser;
  let spend: TestSpend;
  let receiptId: string;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    employee = await t.given.user(acme, 'employee', { full_name: 'Emma Employee' });
    finance = await t.given.user(acme, 'finance');
    accountant = await t.given.user(acme, 'accountant', { full_name: 'Ada Accountant' });
    otherAccountant = await t.given.user(globex, 'accountant');
    await t.given.policy(acme.admin, [
      { id: 'finance', condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'finance' } },
    ]);
    spend = await t.given.spend(employee, { amount: '38.34', merchant: 'Evergreen Auto Parts' });
    receiptId = (
      await request(t.http)
        .post(`/api/v1/spends/${spend.id}/receipts`)
        .set(bearer(employee.accessToken))
        .attach('file', RECEIPT, 'receipt.jpg')
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const pendingStep = async (spendId: string) =>
    (await t.as(finance).get(`/spends/${spendId}`).expect(200)).body.approvals.find(
      (a: { status: string }) => a.status === 'pending',
    ) as { id: string; status: string; note: string | null; approver: { user_id: string | null; role: string | null } };

  describe('given by an admin', () => {
    it('is a role of POST and PATCH /admin/users and of the role filter, and shows in GET /users/me', async () => {
      expect((await t.as(accountant).get('/users/me').expect(200)).body).toMatchObject({
        id: accountant.id,
        role: 'accountant',
      });
      const listed = (await t.as(acme.admin).get('/admin/users?role=accountant').expect(200)).body.items;
      expect(listed.map((u: { id: string }) => u.id)).toEqual([accountant.id]);

      const promoted = await t.given.user(acme, 'employee');
      const changed = await t.as(acme.admin).patch(`/admin/users/${promoted.id}`, { role: 'accountant' }).expect(200);
      expect(changed.body.role).toBe('accountant');
      // The role change ends the user's sessions; signed in again, they hold the new role.
      const tokens = await t.given.login(promoted.email, promoted.password);
      expect((await t.as(tokens).get('/users/me').expect(200)).body.role).toBe('accountant');
      expectProblem(
        await t.as(tokens).post('/spends', { amount: '1.00', currency: 'USD', spend_date: today }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
    });

    it('refuses a role that does not exist', async () => {
      const response = await t
        .as(acme.admin)
        .post('/admin/users', { email: 'auditor@example.test', full_name: 'Au Ditor', role: 'auditor' });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    });
  });

  describe("reads another user's spend, receipt, audit trail and exports", () => {
    it('sees the spend in GET /spends and GET /spends/{id}', async () => {
      const listed = (await t.as(accountant).get('/spends').expect(200)).body.items;
      expect(listed.map((s: { id: string }) => s.id)).toContain(spend.id);
      const read = (await t.as(accountant).get(`/spends/${spend.id}`).expect(200)).body;
      expect(read).toMatchObject({ id: spend.id, user_id: employee.id, amount: '38.34' });
      expect(read.receipts.map((r: { id: string }) => r.id)).toEqual([receiptId]);
    });

    it('reads the receipt, its OCR result and its file', async () => {
      const receipt = await until(async () => {
        const body = (await t.as(accountant).get(`/receipts/${receiptId}`).expect(200)).body;
        return body.ocr_status === 'done' || body.ocr_status === 'failed' ? body : undefined;
      }, 'the OCR of the receipt');
      expect(receipt).toMatchObject({ spend_id: spend.id, ocr_status: 'done' });
      expect(receipt.extracted).toMatchObject({ total: '38.34', currency: 'USD' });
      const file = await t.as(accountant).get(`/receipts/${receiptId}/file`).buffer(true).expect(200);
      expect(file.headers['content-type']).toBe('image/jpeg');
      expect(Buffer.compare(file.body as Buffer, RECEIPT)).toBe(0);
    });

    it('reads, verifies and exports the audit log', async () => {
      const entries = (await t.as(accountant).get(`/audit-logs?entity_id=${spend.id}`).expect(200)).body.items;
      expect(entries.map((e: { action: string }) => e.action)).toContain('spend.created');
      expect((await t.as(accountant).get('/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true });
      const csv = (await t.as(accountant).get(`/audit-logs/export?format=csv&entity_id=${spend.id}`).expect(200)).text;
      expect(csv).toContain(spend.id);
      expect(csv).toContain('spend.created');
    });

    it('reports on the whole organization and downloads the accounting journal', async () => {
      const summary = (await t.as(accountant).get('/reports/summary?group_by=user').expect(200)).body;
      expect(summary).toMatchObject({ total: '38.34', count: 1 });
      expect(summary.groups).toEqual([expect.objectContaining({ label: 'Emma Employee', total: '38.34', count: 1 })]);
      expect((await t.as(accountant).get('/reports/dashboard').expect(200)).body).toHaveProperty('pending_approvals');
      const csv = (await t.as(accountant).get(`/reports/export?format=csv&from=${today}&to=${today}`).expect(200)).text;
      expect(csv).toContain(spend.id);
    });
  });

  describe('keeps the accounting fields', () => {
    it('creates, recodes and retires categories and vendors, audited as themselves', async () => {
      const category = (
        await t.as(accountant).post('/categories', { name: 'Vehicle upkeep', code: '6410' }).expect(201)
      ).body;
      expect(category).toMatchObject({ name: 'Vehicle upkeep', code: '6410', is_active: true });
      expect((await t.as(accountant).patch(`/categories/${category.id}`, { code: '6420' }).expect(200)).body.code).toBe(
        '6420',
      );
      const vendor = (await t.as(accountant).post('/vendors', { name: 'Evergreen', code: 'V-100' }).expect(201)).body;
      await t.as(accountant).delete(`/vendors/${vendor.id}`).expect(200);
      expect((await t.as(accountant).get(`/vendors/${vendor.id}`).expect(200)).body.is_active).toBe(false);

      const audited = (await t.as(finance).get(`/audit-logs?entity_id=${category.id}`).expect(200)).body.items;
      expect(audited.length).toBeGreaterThanOrEqual(2);
      expect(audited.every((e: { actor_id: string }) => e.actor_id === accountant.id)).toBe(true);
    });

    it("refuses another organization's accountant a category of this one", async () => {
      const category = (await t.as(acme.admin).post('/categories', { name: 'Travel', code: '6100' }).expect(201)).body;
      expectProblem(
        await t.as(otherAccountant).patch(`/categories/${category.id}`, { code: '9999' }),
        404,
        'CATEGORY_NOT_FOUND',
      );
      expect((await t.as(acme.admin).get(`/categories/${category.id}`).expect(200)).body.code).toBe('6100');
    });
  });

  describe('never approves, never pays, administers nothing', () => {
    it('is refused the approval inbox and the decision, and the step stays pending', async () => {
      const step = await pendingStep(spend.id);
      expectProblem(await t.as(accountant).get('/approvals'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await t.as(accountant).post(`/approvals/${step.id}/decision`, { approved: true }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expect((await pendingStep(spend.id)).id).toBe(step.id);
    });

    it('is refused marking an approved spend paid, which stays approved', async () => {
      const step = await pendingStep(spend.id);
      await t.as(finance).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);
      expectProblem(
        await t.as(accountant).post(`/spends/${spend.id}/pay`, { reference: 'SEPA-1' }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expect((await t.as(accountant).get(`/spends/${spend.id}`).expect(200)).body.status).toBe('approved');
      // Once finance pays it, it is in the accountant's journal.
      await t.as(finance).post(`/spends/${spend.id}/pay`, { reference: 'SEPA-1' }).expect(200);
      const journal = (
        await t.as(accountant).get(`/reports/export?format=journal_csv&from=${today}&to=${today}`).expect(200)
      ).text;
      expect(journal).toContain(spend.id);
    });

    it('is never made an approver: a policy naming them, or them as the manager, falls back to finance', async () => {
      // An organization of its own, so that no other rule's step hides the fallback's note.
      const initech = await t.given.organization('Initech');
      const bookkeeper = await t.given.user(initech, 'accountant');
      const reporting = await t.given.user(initech, 'employee', { manager_id: bookkeeper.id });
      await t.given.policy(initech.admin, [
        {
          id: 'accountant-by-name',
          condition: { all: [{ amount_gt: 500 }, { amount_lt: 700 }] },
          action: { type: 'require_approval', approver: `user:${bookkeeper.id}` },
        },
        { id: 'manager', condition: { amount_gt: 700 }, action: { type: 'require_approval', approver: 'manager' } },
      ]);
      for (const [amount, requirement] of [
        ['600.00', `user:${bookkeeper.id}`],
        ['800.00', 'manager'],
      ]) {
        const created = await t.given.spend(reporting, { amount });
        const { approvals } = (await t.as(initech.admin).get(`/spends/${created.id}`).expect(200)).body;
        expect(approvals).toEqual([
          expect.objectContaining({
            status: 'pending',
            requirement,
            approver: { user_id: null, role: 'finance' },
            note: `${requirement}: ${bookkeeper.id} is an accountant, who never approves; falls back to finance`,
          }),
        ]);
      }
    });

    it('is refused spending, uploading, users, policies, webhooks and the organization settings', async () => {
      const refused = [
        t.as(accountant).post('/spends', { amount: '5.00', currency: 'USD', spend_date: today }),
        t.as(accountant).patch(`/spends/${spend.id}`, { description: 'Recoded' }),
        t.as(accountant).post(`/receipts/${receiptId}/reprocess`),
        t.as(accountant).get('/admin/users'),
        t.as(accountant).post('/admin/users', { email: 'x@example.test', full_name: 'X', role: 'admin' }),
        t.as(accountant).patch(`/admin/users/${accountant.id}`, { role: 'admin' }),
        t.as(accountant).delete(`/admin/users/${employee.id}`),
        t.as(accountant).get('/policies'),
        t.as(accountant).post('/policies/simulate', { amount: '5.00', currency: 'USD', spend_date: today }),
        t.as(accountant).get('/webhook-subscriptions'),
        t.as(accountant).patch('/organization', { name: 'Taken over' }),
        t.as(accountant).post('/teams', { name: 'Accounting' }),
        t.as(accountant).post('/exchange-rates', { currency: 'EUR', rate: '1.1', date: today }),
      ];
      for (const response of await Promise.all(refused)) expectProblem(response, 403, 'INSUFFICIENT_PERMISSIONS');
      const upload = await request(t.http)
        .post(`/api/v1/spends/${spend.id}/receipts`)
        .set(bearer(accountant.accessToken))
        .attach('file', RECEIPT, 'receipt.jpg');
      expectProblem(upload, 403, 'INSUFFICIENT_PERMISSIONS');
      expect((await t.as(acme.admin).get(`/admin/users/${accountant.id}`).expect(200)).body.role).toBe('accountant');
      expect((await t.as(acme.admin).get('/organization').expect(200)).body.name).toBe('Acme');
    });
  });

  describe("recodes a spend's accounting fields, in any status", () => {
    it('moves a paid spend to another category: the journal books it there, nothing else changes', async () => {
      const category = (await t.as(accountant).post('/categories', { name: 'Van parts', code: '6430' }).expect(201))
        .body;
      const before = (await t.as(accountant).get(`/spends/${spend.id}`).expect(200)).body;
      expect(before.status).toBe('paid');
      const recoded = (
        await t.as(accountant).patch(`/spends/${spend.id}/accounting`, { category_id: category.id }).expect(200)
      ).body;
      expect(recoded).toEqual({ ...before, category_id: category.id, updated_at: expect.any(String) });

      const journal = (
        await t.as(accountant).get(`/reports/export?format=journal_csv&from=${today}&to=${today}`).expect(200)
      ).text;
      const debit = journal.split(/\r?\n/).find((line) => line.includes(spend.id) && line.includes(',6430,'));
      expect(debit).toBeDefined();

      const [entry] = (await t.as(finance).get(`/audit-logs?entity_id=${spend.id}&action=spend.recoded`).expect(200))
        .body.items;
      expect(entry).toMatchObject({
        actor_id: accountant.id,
        metadata: { status: 'paid', changes: { category_id: { from: null, to: category.id } } },
      });
    });

    it('refuses a retired category, the owner, a manager, and another organization', async () => {
      const retired = (await t.as(accountant).post('/categories', { name: 'Old codes', code: '6999' }).expect(201))
        .body;
      await t.as(accountant).delete(`/categories/${retired.id}`).expect(200);
      const manager = await t.given.user(acme, 'manager');
      const before = (await t.as(accountant).get(`/spends/${spend.id}`).expect(200)).body.category_id;

      expectProblem(
        await t.as(accountant).patch(`/spends/${spend.id}/accounting`, { category_id: retired.id }),
        422,
        'INVALID_REFERENCE',
      );
      for (const caller of [employee, manager]) {
        expectProblem(
          await t.as(caller).patch(`/spends/${spend.id}/accounting`, { category_id: null }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
      }
      expectProblem(
        await t.as(otherAccountant).patch(`/spends/${spend.id}/accounting`, { category_id: null }),
        404,
        'SPEND_NOT_FOUND',
      );
      expect((await t.as(accountant).get(`/spends/${spend.id}`).expect(200)).body.category_id).toBe(before);
    });
  });

  describe("another organization's accountant", () => {
    it('sees nothing of the first: not its spend, receipt, audit entries or reports', async () => {
      expectProblem(await t.as(otherAccountant).get(`/spends/${spend.id}`), 404, 'SPEND_NOT_FOUND');
      expectProblem(await t.as(otherAccountant).get(`/receipts/${receiptId}`), 404, 'RECEIPT_NOT_FOUND');
      expectProblem(await t.as(otherAccountant).get(`/receipts/${receiptId}/file`), 404, 'RECEIPT_NOT_FOUND');
      expect((await t.as(otherAccountant).get('/spends').expect(200)).body.items).toEqual([]);
      expect((await t.as(otherAccountant).get(`/audit-logs?entity_id=${spend.id}`).expect(200)).body.items).toEqual([]);
      const audit = (await t.as(otherAccountant).get('/audit-logs/export?format=csv').expect(200)).text;
      expect(audit).not.toContain(spend.id);
      expect((await t.as(otherAccountant).get('/reports/summary?group_by=user').expect(200)).body).toMatchObject({
        count: 0,
        groups: [],
      });
      const journal = (
        await t.as(otherAccountant).get(`/reports/export?format=journal_csv&from=${today}&to=${today}`).expect(200)
      ).text;
      expect(journal).not.toContain(spend.id);
    });
  });
});
