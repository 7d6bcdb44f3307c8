import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface TestAdvance {
  id: string;
  status: string;
  amount: string;
  base_amount: string;
  approvals: Array<{
    id: string;
    step: number;
    status: string;
    approver: { user_id: string | null; role: string | null };
  }>;
  [field: string]: unknown;
}

/**
 * Cash advances: an employee requests one, the advance rules of the policies decide (block,
 * route, approve at once), approvers decide it through the approvals routes, finance pays it
 * out exactly once; with every refusal on the way.
 */
describe('Cash advances', () => {
  let t: TestApp;
  let org: TestOrganization;
  let admin: TestUser;
  let manager: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let finance: TestUser;
  let secondFinance: TestUser;
  let outsider: TestOrganization;
  let receiver: Server;
  const received: Array<{ type: string; spend_id: unknown; sequence: unknown; data: Record<string, unknown> }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50' });
    org = await t.given.organization('Advanced');
    admin = org.admin;
    manager = await t.given.user(org, 'manager');
    employee = await t.given.user(org, 'employee', { manager_id: manager.id });
    colleague = await t.given.user(org, 'employee', { manager_id: manager.id });
    finance = await t.given.user(org, 'finance');
    secondFinance = await t.given.user(org, 'finance');
    outsider = await t.given.organization('Elsewhere');
    await t.given.policy(admin, [
      // A spend rule that would send everything to the admin: it must never judge an advance.
      { id: 'every-spend', condition: { amount_gte: 0 }, action: { type: 'require_approval', approver: 'admin' } },
      {
        id: 'advance-limit',
        subject: 'advance',
        priority: 1,
        condition: { advance_amount_gt: 200_000 },
        action: { type: 'block', message: 'Advances above 2,000.00 USD are not paid out' },
      },
      {
        id: 'large-advance',
        subject: 'advance',
        priority: 2,
        condition: { advance_amount_gt: 100_000 },
        action: { type: 'require_approval', approver: 'finance' },
      },
      {
        id: 'advance',
        subject: 'advance',
        priority: 3,
        condition: { all: [{ advance_amount_gt: 10_000 }, { advance_amount_lte: 100_000 }] },
        action: { type: 'require_approval', approver: 'manager' },
      },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const requestAdvance = (user: TestUser, body: object = {}) =>
    t.as(user).post('/advances', { amount: '500.00', currency: 'USD', purpose: 'Trade fair in Berlin', ...body });
  const requested = async (user: TestUser, body: object = {}): Promise<TestAdvance> =>
    (await requestAdvance(user, body).expect(201)).body;
  const decide = (user: TestUser, approvalId: string, approved = true, comment?: string) =>
    t.as(user).post(`/approvals/${approvalId}/decision`, { approved, ...(comment ? { comment } : {}) });
  const audited = async (id: string) =>
    (
      (await t.dataSource.query(`SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY seq`, [id])) as Array<{
        action: string;
      }>
    ).map((r) => r.action);

  const neededBy = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

  describe('request → manager approves → finance pays', () => {
    let advance: TestAdvance;
    const inbox = async (user: TestUser, type: string) =>
      until(async () => {
        const page = await t.as(user).get('/notifications?limit=100').expect(200);
        return (page.body.items as Array<{ type: string; entity_type: string; entity_id: string; title: string }>).find(
          (n) => n.type === type && (n.entity_id === advance.id || n.entity_id === advance.approvals[0].id),
        );
      }, `${type} for ${user.role}`);

    it('requests an advance: an advance rule routes it to the manager, no spend rule fires', async () => {
      advance = await requested(employee, { needed_by: neededBy });
      expect(advance).toMatchObject({
        status: 'requested',
        amount: '500.00',
        currency: 'USD',
        base_amount: '500.00',
        base_currency: 'USD',
        user_id: employee.id,
        organization_id: org.id,
        purpose: 'Trade fair in Berlin',
        needed_by: neededBy,
        paid_at: null,
        policy_evaluation: {
          decision: 'pending_approval',
          matched_rules: [expect.objectContaining({ rule_id: 'advance', reason: expect.stringContaining('50000') })],
        },
      });
      expect(advance.policy_evaluation).not.toMatchObject({ matched_rules: [{ rule_id: 'every-spend' }] });
      expect(advance.approvals).toEqual([
        expect.objectContaining({ step: 1, status: 'pending', subject_type: 'advance', subject_id: advance.id }),
      ]);
      expect(advance.approvals[0].approver).toEqual({ user_id: manager.id, role: null });
      const [row] = await t.dataSource.query(`SELECT advance_id, spend_id FROM approvals WHERE id = $1`, [
        advance.approvals[0].id,
      ]);
      expect(row).toEqual({ advance_id: advance.id, spend_id: null });
    });

    it("notifies the manager of the step, shows it in the manager's approvals, and the manager approves it", async () => {
      // A step decided before its notification job runs notifies nobody: wait for it first.
      expect(await inbox(manager, 'approval.assigned')).toMatchObject({
        entity_type: 'approval',
        title: 'Advance approval needed: USD 500.00, Trade fair in Berlin',
      });
      const steps = await t.as(manager).get('/approvals?subject_type=advance').expect(200);
      expect(steps.body.items.map((a: { id: string }) => a.id)).toContain(advance.approvals[0].id);
      const decided = await decide(manager, advance.approvals[0].id).expect(200);
      expect(decided.body).toMatchObject({
        subject_type: 'advance',
        subject_id: advance.id,
        subject_status: 'approved',
      });
      const read = await t.as(employee).get(`/advances/${advance.id}`).expect(200);
      expect(read.body).toMatchObject({ status: 'approved', decided_at: expect.any(String) });
      expect(read.body.approvals[0]).toMatchObject({ status: 'approved', decided_by: manager.id });
    });

    it('lets finance pay it out with a reference, exactly once', async () => {
      const paid = await t.as(finance).post(`/advances/${advance.id}/pay`, { reference: 'SEPA-0042' }).expect(200);
      expect(paid.body).toMatchObject({
        status: 'paid',
        paid_by: finance.id,
        paid_reference: 'SEPA-0042',
        paid_at: expect.any(String),
      });
      expectProblem(
        await t.as(secondFinance).post(`/advances/${advance.id}/pay`, { reference: 'SEPA-0043' }),
        409,
        'ADVANCE_ALREADY_PAID',
      );
      const [row] = await t.dataSource.query(`SELECT status, paid_reference FROM advances WHERE id = $1`, [advance.id]);
      expect(row).toEqual({ status: 'paid', paid_reference: 'SEPA-0042' });
    });

    it('notifies the owner of the approval and of the payment', async () => {
      expect(await inbox(employee, 'advance.approved')).toMatchObject({ entity_type: 'advance' });
      expect(await inbox(employee, 'advance.paid')).toMatchObject({
        entity_type: 'advance',
        title: 'Advance paid: USD 500.00, Trade fair in Berlin',
      });
    });

    it('audits every change', async () => {
      expect(await audited(advance.id)).toEqual([
        'advance.requested',
        'approval.requested',
        'advance.approved',
        'advance.paid',
      ]);
    });
  });

  describe('what the policies decide', () => {
    it('approves at once an advance no advance rule asks an approval for', async () => {
      const small = await requested(employee, { amount: '50.00' });
      expect(small).toMatchObject({ status: 'approved', approvals: [], policy_evaluation: { decision: 'approved' } });
      expect(await audited(small.id)).toEqual(['advance.requested', 'advance.approved']);
    });

    it('refuses an advance bigger than the policy allows with 422, storing nothing', async () => {
      const before = Number((await t.dataSource.query(`SELECT count(*) FROM advances`))[0].count);
      const refused = await requestAdvance(employee, { amount: '2500.00' });
      expectProblem(refused, 422, 'ADVANCE_BLOCKED_BY_POLICY');
      expect(refused.body).toMatchObject({
        detail: 'Advances above 2,000.00 USD are not paid out',
        matched_rules: ['advance-limit'],
      });
      expect(Number((await t.dataSource.query(`SELECT count(*) FROM advances`))[0].count)).toBe(before);
    });

    it('converts a foreign-currency advance into the base currency before the rules judge it', async () => {
      await t.given.rate(admin, 'EUR', '1.10');
      // 1,900.00 EUR is 2,090.00 USD: over the limit, though its own amount is under it.
      expectProblem(
        await requestAdvance(employee, { amount: '1900.00', currency: 'EUR' }),
        422,
        'ADVANCE_BLOCKED_BY_POLICY',
      );
      const fine = await requested(employee, { amount: '100.00', currency: 'EUR' });
      expect(fine).toMatchObject({ amount: '100.00', currency: 'EUR', base_amount: '110.00', exchange_rate: '1.1' });
    });

    it('refuses an amount whose base-currency value would not fit, naming the amount', async () => {
      await t.given.rate(admin, 'GBP', '100000');
      const refused = await requestAdvance(employee, { amount: '999999999999999.99', currency: 'GBP' });
      expectProblem(refused, 422, 'VALIDATION_FAILED');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'amount' })]);
    });

    it('routes a large advance to finance by rule: the manager may not decide it, finance does', async () => {
      const large = await requested(employee, { amount: '1500.00' });
      expect(large.approvals).toEqual([
        expect.objectContaining({ step: 1, status: 'pending', approver: { user_id: null, role: 'finance' } }),
      ]);
      expectProblem(await decide(manager, large.approvals[0].id), 403, 'NOT_APPROVER');
      await decide(finance, large.approvals[0].id).expect(200);
      expect((await t.as(employee).get(`/advances/${large.id}`).expect(200)).body.status).toBe('approved');
    });

    it('refuses self-approval: a finance user never approves their own advance', async () => {
      const own = await requested(finance, { amount: '1500.00' });
      expectProblem(await decide(finance, own.approvals[0].id), 403, 'SELF_APPROVAL_FORBIDDEN');
      await decide(secondFinance, own.approvals[0].id).expect(200);
      expectProblem(
        await t.as(finance).post(`/advances/${own.id}/pay`, { reference: 'SELF-1' }),
        403,
        'ADVANCE_SELF_PAYMENT_FORBIDDEN',
      );
    });

    it('rejects an advance when its approver rejects it, with the comment', async () => {
      const advance = await requested(employee, { amount: '300.00' });
      await decide(manager, advance.approvals[0].id, false, 'Book the hotel through travel instead').expect(200);
      const read = await t.as(employee).get(`/advances/${advance.id}`).expect(200);
      expect(read.body).toMatchObject({ status: 'rejected' });
      expect(read.body.approvals[0]).toMatchObject({
        status: 'rejected',
        comment: 'Book the hotel through travel instead',
      });
      expectProblem(
        await t.as(finance).post(`/advances/${advance.id}/pay`, { reference: 'R' }),
        409,
        'ADVANCE_NOT_PAYABLE',
      );
    });
  });

  describe('refusals', () => {
    it('refuses to pay an advance that is not approved yet', async () => {
      const advance = await requested(employee);
      expectProblem(
        await t.as(finance).post(`/advances/${advance.id}/pay`, { reference: 'EARLY' }),
        409,
        'ADVANCE_NOT_PAYABLE',
      );
    });

    it('lets the owner withdraw a requested advance, once, and nobody else', async () => {
      const advance = await requested(employee);
      expectProblem(await t.as(manager).post(`/advances/${advance.id}/cancel`), 403, 'NOT_ADVANCE_OWNER');
      expectProblem(await t.as(colleague).post(`/advances/${advance.id}/cancel`), 404, 'ADVANCE_NOT_FOUND');
      const cancelled = await t.as(employee).post(`/advances/${advance.id}/cancel`).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
      expect(cancelled.body.approvals[0]).toMatchObject({ status: 'cancelled' });
      expectProblem(await t.as(employee).post(`/advances/${advance.id}/cancel`), 409, 'ADVANCE_NOT_CANCELLABLE');
      expectProblem(await decide(manager, advance.approvals[0].id), 409, 'APPROVAL_ALREADY_DECIDED');
      expect(await audited(advance.id)).toEqual(['advance.requested', 'approval.requested', 'advance.cancelled']);
    });

    it("answers 404 for another organization's advance, even to its admin", async () => {
      const advance = await requested(employee);
      expectProblem(await t.as(outsider.admin).get(`/advances/${advance.id}`), 404, 'ADVANCE_NOT_FOUND');
      expectProblem(
        await t.as(outsider.admin).post(`/advances/${advance.id}/pay`, { reference: 'X' }),
        404,
        'ADVANCE_NOT_FOUND',
      );
      expectProblem(await t.as(outsider.admin).post(`/advances/${advance.id}/cancel`), 404, 'ADVANCE_NOT_FOUND');
      expectProblem(await decide(outsider.admin, advance.approvals[0].id), 404, 'APPROVAL_NOT_FOUND');
      const list = await t.as(outsider.admin).get('/advances').expect(200);
      expect(list.body).toMatchObject({ total: 0, items: [] });
    });

    it("keeps an employee out of a colleague's advance; their manager and finance see it", async () => {
      const advance = await requested(colleague, { amount: '20.00' });
      expectProblem(await t.as(employee).get(`/advances/${advance.id}`), 404, 'ADVANCE_NOT_FOUND');
      const own = await t.as(employee).get('/advances?limit=100').expect(200);
      expect(own.body.items.every((a: TestAdvance) => a.user_id === employee.id)).toBe(true);
      await t.as(manager).get(`/advances/${advance.id}`).expect(200);
      await t.as(finance).get(`/advances/${advance.id}`).expect(200);
    });

    it('refuses payment to an employee (403) and every route without a token (401)', async () => {
      const advance = await requested(employee, { amount: '20.00' });
      expectProblem(
        await t.as(employee).post(`/advances/${advance.id}/pay`, { reference: 'ME' }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expectProblem(await request(t.http).get('/api/v1/advances'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await request(t.http).post('/api/v1/advances').send({}), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await request(t.http).get(`/api/v1/advances/${advance.id}`), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await request(t.http).post(`/api/v1/advances/${advance.id}/pay`), 401, 'AUTHENTICATION_REQUIRED');
    });

    it.each([
      [{ amount: '0', currency: 'USD', purpose: 'x' }, 'amount'],
      [{ amount: '10.001', currency: 'USD', purpose: 'x' }, 'amount'],
      [{ amount: '10.00', currency: 'usd', purpose: 'x' }, 'currency'],
      [{ amount: '10.00', currency: 'USD', purpose: '   ' }, 'purpose'],
      [{ amount: '10.00', currency: 'USD', purpose: 'x', needed_by: '2026-02-30' }, 'needed_by'],
      [{ amount: '10.00', currency: 'USD', purpose: 'x', needed_by: '2020-01-01' }, 'needed_by'],
      [{ amount: '10.00', currency: 'USD', purpose: 'x', user_id: 'someone' }, 'user_id'],
    ])('refuses the invalid request %j (422 on %s)', async (body, field) => {
      const refused = await t.as(employee).post('/advances', body);
      expectProblem(refused, 422, 'VALIDATION_FAILED');
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('pays out once when two finance users pay at the same moment', async () => {
      const advance = await requested(employee, { amount: '30.00' });
      const answers = await Promise.all([
        t.as(finance).post(`/advances/${advance.id}/pay`, { reference: 'RACE-1' }),
        t.as(secondFinance).post(`/advances/${advance.id}/pay`, { reference: 'RACE-2' }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expectProblem(
        answers.find((a) => a.status === 409)!,
        409,
        'ADVANCE_ALREADY_PAID',
      );
      expect(await audited(advance.id)).toEqual(['advance.requested', 'advance.approved', 'advance.paid']);
    });

    it('refuses a payment without a reference', async () => {
      const advance = await requested(employee, { amount: '20.00' });
      expectProblem(await t.as(finance).post(`/advances/${advance.id}/pay`, {}), 422, 'VALIDATION_FAILED');
    });
  });

  describe('lists', () => {
    it('filters by status and user, newest first, and pages by cursor', async () => {
      const mine = await t.as(finance).get(`/advances?user_id=${employee.id}&status=requested&limit=1`).expect(200);
      expect(mine.body.total).toBeGreaterThanOrEqual(2);
      expect(mine.body.items).toHaveLength(1);
      expect(mine.body.items[0]).toMatchObject({ user_id: employee.id, status: 'requested' });
      const next = await t
        .as(finance)
        .get(`/advances?user_id=${employee.id}&status=requested&limit=1&cursor=${mine.body.next_cursor}`)
        .expect(200);
      expect(next.body.items[0].id).not.toBe(mine.body.items[0].id);
      expect(next.body.items[0].created_at <= mine.body.items[0].created_at).toBe(true);
      expectProblem(await t.as(finance).get('/advances?status=settled'), 422, 'VALIDATION_FAILED');
    });
  });

  describe('events', () => {
    it('delivers advance events to a webhook subscriber', async () => {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      await t
        .as(admin)
        .post('/webhook-subscriptions', { url, events: ['advance.requested', 'advance.approved', 'advance.paid'] })
        .expect(201);
      const advance = await requested(employee, { amount: '40.00', purpose: 'Taxi money' });
      await t.as(finance).post(`/advances/${advance.id}/pay`, { reference: 'CASH-7' }).expect(200);
      const paid = await until(
        () => received.find((e) => e.type === 'advance.paid' && e.data.advance_id === advance.id),
        'the advance.paid webhook',
      );
      expect(paid.data).toMatchObject({
        advance_id: advance.id,
        user_id: employee.id,
        status: 'paid',
        amount: '40.00',
        currency: 'USD',
        reference: 'CASH-7',
        spend: null,
      });
      expect(paid).toMatchObject({ spend_id: null, sequence: null });
      await until(
        () => received.find((e) => e.type === 'advance.requested' && e.data.advance_id === advance.id),
        'the advance.requested webhook',
      );
      await until(
        () => received.find((e) => e.type === 'advance.approved' && e.data.advance_id === advance.id),
        'the advance.approved webhook',
      );
    });
  });
});
