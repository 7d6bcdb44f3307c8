import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { JobRegistry, OutboxJob } from '../src/jobs/job-registry';
import { verifySignature } from '../src/webhooks/delivery/signature';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const INBOUND_SECRET = 'idp-shared-secret-0123456789-abcdefghijklmnop';
const SIGNING_SECRET = 'whsec_test_signing_secret_0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on a loopback port. Each request takes the next planned answer (a
 * status, 'hang' for no answer at all, 'redirect'), then 200 once the plan is used up.
 */
class Receiver {
  readonly received: Received[] = [];
  plan: Array<number | 'hang' | 'redirect'> = [];
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.plan.shift() ?? 200;
        if (answer === 'hang') return;
        if (answer === 'redirect') {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        }
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 200 ? 'thanks' : `nope ${answer}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  url(path = '/hooks/spendin'): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  events(type?: string): Array<{ id: string; type: string; sequence: number | null; spend_id: string | null; data: Record<string, unknown>; raw: Received }> {
    return this.received.map((r) => ({ ...JSON.parse(r.body), raw: r })).filter((e) => type === undefined || e.type === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const until = async (condition: () => boolean | Promise<boolean>, what: string, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe(`Webhooks (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let admin: TestUser;
  let employee: TestUser;
  let finance: TestUser;
  let manager: TestUser;
  const receiver = new Receiver();

  const as = (user: TestUser) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set(bearer(user.accessToken)),
    post: (path: string, body?: object) => request(t.http).post(`/api/v1${path}`).set(bearer(user.accessToken)).send(body),
    patch: (path: string, body: object) => request(t.http).patch(`/api/v1${path}`).set(bearer(user.accessToken)).send(body),
    delete: (path: string) => request(t.http).delete(`/api/v1${path}`).set(bearer(user.accessToken)),
  });
  const subscribe = async (body: object = {}, by: TestUser = admin) =>
    (await as(by).post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.submitted', 'spend.approved', 'spend.paid'], secret: SIGNING_SECRET, ...body }).expect(201)).body;
  const deliveries = async (subscriptionId: string, query = '') =>
    (await as(admin).get(`/webhook-subscriptions/${subscriptionId}/deliveries?limit=100${query}`).expect(200)).body.items as Array<Record<string, unknown> & { id: string; spend_id: string | null; event_type: string; event_id: string; status: string; attempts: number }>;
  const spend = async (owner: TestUser = employee, body: object = {}) =>
    (await as(owner).post('/spends', { amount: '42.50', currency: 'USD', spend_date: '2026-03-02', merchant: 'Cafe Hook', ...body }).expect(201)).body as { id: string; status: string };
  const pause = async (subscriptionId: string) => as(admin).patch(`/webhook-subscriptions/${subscriptionId}`, { is_active: false }).expect(200);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ WEBHOOK_SECRET: INBOUND_SECRET, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '1000' });
    org = await t.given.organization('Hooked');
    other = await t.given.organization('Elsewhere');
    admin = org.admin;
    employee = await t.given.user(org, 'employee');
    manager = await t.given.user(org, 'manager');
    finance = await t.given.user(org, 'finance');
  });

  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  describe('subscriptions', () => {
    it('creates a subscription, shows its secret once, then lists and reads it without the secret', async () => {
      const created = await subscribe({ description: 'ERP' });
      expect(created).toMatchObject({ url: receiver.url(), events: ['spend.submitted', 'spend.approved', 'spend.paid'], description: 'ERP', is_active: true, secret: SIGNING_SECRET, secret_hint: '…6789' });
      const read = (await as(admin).get(`/webhook-subscriptions/${created.id}`).expect(200)).body;
      expect(read).toEqual({ ...created, secret: undefined, updated_at: expect.any(String) });
      expect(read).not.toHaveProperty('secret');
      const list = (await as(admin).get('/webhook-subscriptions').expect(200)).body;
      expect(list.items.map((s: { id: string }) => s.id)).toContain(created.id);
      expect(JSON.stringify(list)).not.toContain(SIGNING_SECRET);
      const audit = (await as(admin).get(`/audit-logs?entity_id=${created.id}`).expect(200)).body.items;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(['webhook_subscription.created']);
      expect(JSON.stringify(audit)).not.toContain(SIGNING_SECRET);
      await as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('generates a secret when none is given', async () => {
      const created = (await as(admin).post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.paid'] }).expect(201)).body;
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(created.secret_hint).toBe(`…${created.secret.slice(-4)}`);
      await as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('refuses bad bodies with 422 naming the field', async () => {
      for (const [body, field] of [
        [{ url: receiver.url(), events: [] }, 'events'],
        [{ url: receiver.url(), events: ['spend.exploded'] }, 'events'],
        [{ url: receiver.url(), events: ['spend.paid', 'spend.paid'] }, 'events'],
        [{ url: receiver.url(), events: ['spend.paid'], secret: 'short' }, 'secret'],
        [{ url: receiver.url(), events: ['spend.paid'], secret: 'has spaces in it, twenty-four+' }, 'secret'],
        [{ events: ['spend.paid'] }, 'url'],
        [{ url: receiver.url(), events: ['spend.paid'], headers: { x: 1 } }, 'headers'],
        [{ url: 'ftp://example.com/in', events: ['spend.paid'] }, 'url'],
        [{ url: 'https://user:pw@example.com/in', events: ['spend.paid'] }, 'url'],
      ] as const) {
        const response = await as(admin).post('/webhook-subscriptions', body);
        expect([response.status, response.body.errors?.[0]?.field]).toEqual([422, field]);
      }
    });

    it('is for admins: 403 for everyone else, 401 without a token', async () => {
      const created = await subscribe();
      for (const user of [employee, manager, finance]) {
        expectProblem(await as(user).get('/webhook-subscriptions'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await as(user).post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.paid'] }), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await as(user).get(`/webhook-subscriptions/${created.id}/deliveries`), 403, 'INSUFFICIENT_PERMISSIONS');
      }
      expectProblem(await request(t.http).get('/api/v1/webhook-subscriptions'), 401, 'AUTHENTICATION_REQUIRED');
      await as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it("answers 404 for another organization's subscription, whatever the route", async () => {
      const theirs = await subscribe({}, other.admin);
      expectProblem(await as(admin).get(`/webhook-subscriptions/${theirs.id}`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(admin).patch(`/webhook-subscriptions/${theirs.id}`, { is_active: false }), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(admin).delete(`/webhook-subscriptions/${theirs.id}`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(admin).get(`/webhook-subscriptions/${theirs.id}/deliveries`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(admin).post(`/webhook-subscriptions/${theirs.id}/deliveries/${theirs.id}/retry`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expect((await as(admin).get('/webhook-subscriptions?limit=100').expect(200)).body.items.map((s: { id: string }) => s.id)).not.toContain(theirs.id);
      expectProblem(await as(admin).get('/webhook-subscriptions/not-a-uuid'), 422, 'VALIDATION_FAILED');
      await as(other.admin).delete(`/webhook-subscriptions/${theirs.id}`).expect(200);
    });

    it('changes events and description, rotates the secret, and audits without the secret', async () => {
      const created = await subscribe();
      const updated = (await as(admin).patch(`/webhook-subscriptions/${created.id}`, { events: ['spend.paid'], description: 'Payouts', secret: 'whsec_rotated_secret_abcdefghijklmn' }).expect(200)).body;
      expect(updated).toMatchObject({ events: ['spend.paid'], description: 'Payouts', secret_hint: '…klmn' });
      const [entry] = (await as(admin).get(`/audit-logs?entity_id=${created.id}&action=webhook_subscription.updated`).expect(200)).body.items;
      expect(entry.metadata.changes).toMatchObject({ events: { from: ['spend.submitted', 'spend.approved', 'spend.paid'], to: ['spend.paid'] }, secret: { from: '(hidden)', to: '(rotated)' } });
      expect(JSON.stringify(entry)).not.toContain('whsec_rotated');
      await as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('deletes a subscription: gone from reads, and sent nothing more', async () => {
      const created = await subscribe();
      expect((await as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200)).body).toEqual({ message: 'Deleted successfully' });
      expectProblem(await as(admin).get(`/webhook-subscriptions/${created.id}`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(admin).delete(`/webhook-subscriptions/${created.id}`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      const before = receiver.received.length;
      const marker = await spend(employee, { merchant: 'After delete' });
      const [row]: Array<{ n: string }> = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.subscription_id = $1 OR e.spend_id = $2`, [created.id, marker.id],
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(Number(row.n)).toBe(0);
      expect(receiver.received.length).toBe(before);
    });
  });

  describe('deliveries', () => {
    let subscription: { id: string };

    beforeAll(async () => {
      subscription = await subscribe();
    });

    afterAll(async () => {
      await as(admin).delete(`/webhook-subscriptions/${subscription.id}`);
    });

    it('signs each delivery and numbers the events of a spend in order: submitted 1, approved 2, paid 3', async () => {
      const created = await spend();
      expect(created.status).toBe('approved');
      await as(finance).post(`/spends/${created.id}/pay`, { reference: 'SEPA-42' }).expect(200);
      await until(() => receiver.events().filter((e) => e.spend_id === created.id).length === 3, 'three events of the spend');
      const events = receiver.events().filter((e) => e.spend_id === created.id).sort((a, b) => a.sequence! - b.sequence!);
      expect(events.map((e) => [e.type, e.sequence])).toEqual([['spend.submitted', 1], ['spend.approved', 2], ['spend.paid', 3]]);
      const paid = events[2];
      expect(paid).toMatchObject({ organization_id: org.id, spend_id: created.id, data: { reference: 'SEPA-42', spend: { id: created.id, amount: '42.50', currency: 'USD', merchant: 'Cafe Hook', user_id: employee.id } } });
      for (const event of events) {
        const { headers, body } = event.raw;
        expect(headers['content-type']).toBe('application/json');
        expect(headers['x-spendin-event-id']).toBe(event.id);
        expect(headers['x-spendin-event-type']).toBe(event.type);
        expect(verifySignature(String(headers['x-spendin-signature']), body, SIGNING_SECRET, Math.floor(Date.now() / 1000))).toBe(true);
        expect(verifySignature(String(headers['x-spendin-signature']), body, 'another-secret-entirely-123456', Math.floor(Date.now() / 1000))).toBe(false);
      }
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      await until(async () => (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded').length === 3, 'three succeeded deliveries');
      const listed = (await deliveries(subscription.id)).find((d) => d.event_id === paid.id)!;
      expect(listed).toMatchObject({ subscription_id: subscription.id, event_type: 'spend.paid', sequence: 3, status: 'succeeded', attempts: 1, response_status: 200, response_body: 'thanks', error: null, next_attempt_at: null });
      expect(listed.delivered_at).toEqual(expect.any(String));
    });

    it('retries a receiver that fails, with the same event id, until it answers 2xx', async () => {
      receiver.plan = [503, 500];
      const created = await spend(employee, { merchant: 'Flaky receiver' });
      await until(async () => (await deliveries(subscription.id)).some((d) => d.spend_id === created.id && d.event_type === 'spend.approved' && d.status === 'succeeded'), 'the retried delivery');
      const attempts = receiver.received.filter((r) => JSON.parse(r.body).spend_id === created.id);
      const approved = attempts.filter((r) => JSON.parse(r.body).type === 'spend.approved');
      const submitted = attempts.filter((r) => JSON.parse(r.body).type === 'spend.submitted');
      // The first two requests of this spend failed, whichever event they carried; each event was retried until it got through.
      expect(approved.length + submitted.length).toBe(4);
      for (const tries of [approved, submitted]) expect(new Set(tries.map((r) => r.headers['x-spendin-event-id'])).size).toBe(1);
      const listed = (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id);
      expect(listed.reduce((sum, d) => sum + d.attempts, 0)).toBe(4);
      expect(listed.every((d) => d.status === 'succeeded' && d.response_status === 200)).toBe(true);
      expect((await deliveries(subscription.id, '&status=failed')).filter((d) => d.spend_id === created.id)).toEqual([]);
    });

    it('counts a redirect and a receiver that never answers as failed attempts, and retries them', async () => {
      receiver.plan = ['redirect', 'hang'];
      const created = await spend(employee, { merchant: 'Slow receiver' });
      await until(async () => (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded').length === 2, 'deliveries after redirect and timeout');
      // Two events, each delivered once more after the redirect (never followed) and the silence.
      expect((await deliveries(subscription.id)).filter((d) => d.spend_id === created.id).reduce((sum, d) => sum + d.attempts, 0)).toBe(4);
      expect(receiver.received.filter((r) => JSON.parse(r.body).spend_id === created.id)).toHaveLength(4);
    });

    it('gives up after the 14th attempt, says why, and replays the delivery on request with the same event id', async () => {
      const created = await spend(employee, { merchant: 'Given up' });
      await until(async () => (await deliveries(subscription.id)).some((d) => d.spend_id === created.id && d.event_type === 'spend.approved' && d.status === 'succeeded'), 'the delivery');
      const delivery = (await deliveries(subscription.id)).find((d) => d.spend_id === created.id && d.event_type === 'spend.approved')!;
      const path = `/webhook-subscriptions/${subscription.id}/deliveries/${delivery.id}/retry`;
      const current = async () => (await deliveries(subscription.id)).find((d) => d.id === delivery.id)!;
      // Straight to the last attempts: the schedule's 13 retries would take a while even at 50 ms.
      for (const [answer, error] of [[500, 'receiver answered 500'], ['redirect', 'receiver answered 302 (redirects are not followed)'], ['hang', 'no answer within 1000 ms']] as const) {
        await t.dataSource.query(`UPDATE webhook_deliveries SET attempts = 13, status = 'failed' WHERE id = $1`, [delivery.id]);
        receiver.plan = [answer];
        expect((await as(admin).post(path).expect(202)).body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 13 });
        await until(async () => (await current()).status === 'failed', `the last attempt (${answer}) to fail`);
        expect(await current()).toMatchObject({ status: 'failed', attempts: 14, response_status: answer === 500 ? 500 : answer === 'redirect' ? 302 : null, error, next_attempt_at: null });
      }
      const [{ waiting }]: Array<{ waiting: string }> = await t.dataSource.query(
        `SELECT COUNT(*) AS waiting FROM outbox WHERE topic = 'webhook.delivery' AND payload->>'delivery_id' = $1 AND dispatched_at IS NULL`, [delivery.id],
      );
      expect(Number(waiting)).toBe(0);

      // The receiver is fixed: a manual replay gets through, as the same event.
      await as(admin).post(path).expect(202);
      await until(async () => (await current()).status === 'succeeded', 'the replay');
      expect(await current()).toMatchObject({ attempts: 15, response_status: 200, error: null });
      const sent = receiver.received.filter((r) => JSON.parse(r.body).spend_id === created.id && JSON.parse(r.body).type === 'spend.approved');
      expect(sent).toHaveLength(5);
      expect(new Set(sent.map((r) => r.headers['x-spendin-event-id']))).toEqual(new Set([delivery.event_id]));
      const audit = (await as(admin).get(`/audit-logs?entity_id=${delivery.id}`).expect(200)).body.items;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(Array(4).fill('webhook_delivery.retried'));
    });

    it('refuses a retry of an attempt under way (409), of a paused subscription (409), and of unknown deliveries (404)', async () => {
      const created = await spend(employee, { merchant: 'Retry refusals' });
      await until(async () => (await deliveries(subscription.id)).some((d) => d.spend_id === created.id && d.status === 'succeeded'), 'a delivery');
      const delivery = (await deliveries(subscription.id)).find((d) => d.spend_id === created.id)!;
      const path = `/webhook-subscriptions/${subscription.id}/deliveries/${delivery.id}/retry`;
      await t.dataSource.query(`UPDATE webhook_deliveries SET status = 'delivering' WHERE id = $1`, [delivery.id]);
      expectProblem(await as(admin).post(path), 409, 'WEBHOOK_DELIVERY_IN_PROGRESS');
      await t.dataSource.query(`UPDATE webhook_deliveries SET status = 'succeeded' WHERE id = $1`, [delivery.id]);
      const second = await subscribe({ events: ['spend.paid'] });
      expectProblem(await as(admin).post(`/webhook-subscriptions/${second.id}/deliveries/${delivery.id}/retry`), 404, 'WEBHOOK_DELIVERY_NOT_FOUND');
      expectProblem(await as(admin).post(`/webhook-subscriptions/${subscription.id}/deliveries/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b/retry`), 404, 'WEBHOOK_DELIVERY_NOT_FOUND');
      expectProblem(await as(other.admin).post(path), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await as(finance).post(path), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await as(admin).post(`/webhook-subscriptions/${subscription.id}/deliveries/nope/retry`), 422, 'VALIDATION_FAILED');
      await as(admin).delete(`/webhook-subscriptions/${second.id}`).expect(200);
      await pause(subscription.id);
      expectProblem(await as(admin).post(path), 409, 'WEBHOOK_SUBSCRIPTION_PAUSED');
      await as(admin).patch(`/webhook-subscriptions/${subscription.id}`, { is_active: true }).expect(200);
    });

    it('sends only the events subscribed to, and only to active subscriptions', async () => {
      const paidOnly = await subscribe({ events: ['spend.paid'], url: receiver.url('/paid-only') });
      const paused = await subscribe({ events: ['spend.submitted'], url: receiver.url('/paused') });
      await pause(paused.id);
      const created = await spend(employee, { merchant: 'Selective' });
      await as(finance).post(`/spends/${created.id}/pay`, {}).expect(200);
      await until(async () => (await deliveries(paidOnly.id)).some((d) => d.spend_id === created.id && d.status === 'succeeded'), 'the paid delivery');
      expect((await deliveries(paidOnly.id)).filter((d) => d.spend_id === created.id).map((d) => d.event_type)).toEqual(['spend.paid']);
      expect(await deliveries(paused.id)).toEqual([]);
      await as(admin).delete(`/webhook-subscriptions/${paidOnly.id}`).expect(200);
      await as(admin).delete(`/webhook-subscriptions/${paused.id}`).expect(200);
    });

    it('makes nothing twice when a job runs again: the fan-out and an attempt are idempotent', async () => {
      const created = await spend(employee, { merchant: 'Twice' });
      await until(async () => (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded').length === 2, 'both deliveries');
      const jobs: Array<{ id: string; topic: OutboxJob['topic']; payload: Record<string, unknown> }> = await t.dataSource.query(
        `SELECT id, topic, payload FROM outbox WHERE payload->>'spend_id' = $1 ORDER BY id`, [created.id],
      );
      const consumer = (name: string) => t.app.get(JobRegistry).all().find((c) => c.name === name)!;
      const received = receiver.received.length;
      for (const job of jobs) await consumer('webhooks').handle({ outboxId: String(job.id), organizationId: org.id, topic: job.topic, payload: job.payload });
      const attemptJobs: Array<{ id: string; payload: Record<string, unknown> }> = await t.dataSource.query(
        `SELECT o.id, o.payload FROM outbox o JOIN webhook_deliveries d ON d.id::text = o.payload->>'delivery_id' JOIN webhook_events e ON e.id = d.event_id
         WHERE o.topic = 'webhook.delivery' AND e.spend_id = $1`, [created.id],
      );
      expect(attemptJobs.length).toBe(2);
      for (const job of attemptJobs) await consumer('webhook-deliveries').handle({ outboxId: String(job.id), organizationId: org.id, topic: 'webhook.delivery', payload: job.payload });
      expect(receiver.received.length).toBe(received);
      expect((await deliveries(subscription.id)).filter((d) => d.spend_id === created.id).map((d) => d.attempts)).toEqual([1, 1]);
    });
  });

  describe('POST /events/webhook (identity provider)', () => {
    const inbound = (events: unknown, secret: string | null = INBOUND_SECRET) => {
      const call = request(t.http).post('/api/v1/events/webhook');
      return (secret === null ? call : call.set('x-webhook-secret', secret)).send(events as object);
    };
    const userByEmail = async (email: string) => {
      const { items } = (await as(admin).get(`/admin/users?q=${encodeURIComponent(email)}&limit=5`).expect(200)).body;
      return items.find((u: { email: string }) => u.email === email) as { id: string; email: string; full_name: string; role: string; is_active: boolean } | undefined;
    };
    const auditOf = async (userId: string) => (await as(admin).get(`/audit-logs?entity_id=${userId}`).expect(200)).body.items as Array<{ action: string; actor_id: string | null; metadata: Record<string, unknown> }>;

    it('creates a user, then applies the same event again as nothing', async () => {
      const event = { id: 'evt-create-1', type: 'user.created', data: { organization_id: org.id, external_id: 'okta-001', email: 'Idp.User@Acme.test', full_name: 'Idp User', role: 'manager' } };
      const answer = (await inbound([event]).expect(200)).body;
      expect(answer).toEqual({ status: 'accepted', results: [{ index: 0, type: 'user.created', outcome: 'created', user_id: expect.any(String) }] });
      const user = await userByEmail('idp.user@acme.test');
      expect(user).toMatchObject({ id: answer.results[0].user_id, full_name: 'Idp User', role: 'manager', is_active: true });
      expect(await auditOf(user!.id)).toEqual([expect.objectContaining({ action: 'user.created', actor_id: null, metadata: expect.objectContaining({ external_id: 'okta-001' }) })]);

      expect((await inbound([event]).expect(200)).body.results[0]).toMatchObject({ outcome: 'duplicate' });
      expect((await inbound([{ ...event, id: 'evt-create-2' }]).expect(200)).body.results[0]).toMatchObject({ outcome: 'unchanged', user_id: user!.id });
      expect((await inbound([{ type: event.type, data: event.data }]).expect(200)).body.results[0]).toMatchObject({ outcome: 'unchanged' });
      expect(await auditOf(user!.id)).toHaveLength(1);
    });

    it('updates, renames by external id, changes the role, and deactivates; each twice changes nothing the second time', async () => {
      await inbound([{ type: 'user.created', data: { organization_id: org.id, external_id: 'okta-002', email: 'lifecycle@acme.test', full_name: 'Life Cycle' } }]).expect(200);
      const user = (await userByEmail('lifecycle@acme.test'))!;
      expect(user.role).toBe('employee');
      const rename = { type: 'user.updated', data: { external_id: 'okta-002', email: 'renamed@acme.test', full_name: 'Re Named' } };
      expect((await inbound([rename]).expect(200)).body.results[0]).toMatchObject({ outcome: 'updated', user_id: user.id });
      expect((await inbound([rename]).expect(200)).body.results[0]).toMatchObject({ outcome: 'unchanged' });
      expect(await userByEmail('renamed@acme.test')).toMatchObject({ id: user.id, full_name: 'Re Named' });

      const promote = { type: 'role.assigned', data: { email: 'renamed@acme.test', role: 'finance' } };
      expect((await inbound([promote]).expect(200)).body.results[0]).toMatchObject({ outcome: 'updated' });
      expect((await inbound([promote]).expect(200)).body.results[0]).toMatchObject({ outcome: 'unchanged' });
      expect((await userByEmail('renamed@acme.test'))!.role).toBe('finance');

      const tokens = await t.given.login('renamed@acme.test', 'no-password-yet').catch(() => null);
      expect(tokens).toBeNull();
      const remove = { type: 'user.deleted', data: { external_id: 'okta-002' } };
      expect((await inbound([remove]).expect(200)).body.results[0]).toMatchObject({ outcome: 'deactivated' });
      expect((await inbound([remove]).expect(200)).body.results[0]).toMatchObject({ outcome: 'unchanged' });
      expect((await userByEmail('renamed@acme.test'))!.is_active).toBe(false);
      const actions = (await auditOf(user.id)).map((e) => e.action).reverse();
      // The login tried above failed: the user has no password until one is set.
      expect(actions).toEqual(['user.created', 'user.updated', 'user.updated', 'user.role_changed', 'auth.login_failed', 'user.deactivated']);
      expect((await inbound([{ type: 'user.deleted', data: { email: 'nobody-here@acme.test' } }]).expect(200)).body.results[0]).toMatchObject({ outcome: 'ignored', user_id: null });
    });

    it("stops a deactivated user's tokens at once", async () => {
      const victim = await t.given.user(org, 'employee');
      await as(victim).get('/users/me').expect(200);
      await inbound([{ type: 'user.deleted', data: { email: victim.email } }]).expect(200);
      expectProblem(await as(victim).get('/users/me'), 401, 'INVALID_TOKEN');
    });

    it('refuses a missing or wrong secret with 401 before reading the body', async () => {
      for (const secret of [null, '', 'wrong', `${INBOUND_SECRET}x`, INBOUND_SECRET.slice(0, -1)]) {
        const response = await inbound([{ type: 'user.created', data: {} }], secret);
        expectProblem(response, 401, 'WEBHOOK_UNAUTHORIZED');
        expect(response.body.detail).toBe('Unauthorized webhook source');
      }
      expectProblem(await inbound('not even json', 'wrong'), 401, 'WEBHOOK_UNAUTHORIZED');
    });

    it('refuses malformed events with 422 naming each place', async () => {
      const cases: Array<[unknown, string]> = [
        [{ type: 'user.created' }, 'body'],
        [[], 'body'],
        [['x'], '[0]'],
        [[{ type: 'user.exploded', data: {} }], '[0].type'],
        [[{ type: 'user.created', data: { email: 'a@acme.test', full_name: 'A' } }], '[0].data.organization_id'],
        [[{ type: 'role.assigned', data: { email: 'a@acme.test' } }], '[0].data.role'],
        [[{ type: 'user.updated', data: { full_name: 'Nobody' } }], '[0].data.external_id'],
        [[{ type: 'user.deleted', data: { email: 'a@acme.test', surprise: 1 } }], '[0].data.surprise'],
        [[{ type: 'user.deleted', data: { email: 'a@acme.test' }, extra: true }], '[0].extra'],
        [[{ type: 'user.deleted', data: { email: 'a@acme.test' } }, { type: 'role.assigned', data: { email: 'not-an-email', role: 'admin' } }], '[1].data.email'],
        [Array.from({ length: 101 }, () => ({ type: 'user.deleted', data: { email: 'a@acme.test' } })), 'body'],
      ];
      for (const [body, field] of cases) {
        const response = await inbound(body);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('applies a batch together or not at all', async () => {
      const response = await inbound([
        { type: 'user.created', data: { organization_id: org.id, email: 'batch.first@acme.test', full_name: 'Batch First' } },
        { type: 'role.assigned', data: { email: 'batch.ghost@acme.test', role: 'admin' } },
      ]);
      expectProblem(response, 404, 'USER_NOT_FOUND');
      expect(response.body.detail).toMatch(/^Event \[1\] \(role\.assigned\)/);
      expect(await userByEmail('batch.first@acme.test')).toBeUndefined();
    });

    it('answers 404 for an unknown user, 422 for an unknown organization, 409 for demoting the last admin', async () => {
      expectProblem(await inbound([{ type: 'role.assigned', data: { email: 'ghost@acme.test', role: 'admin' } }]), 404, 'USER_NOT_FOUND');
      expectProblem(await inbound([{ type: 'user.updated', data: { email: admin.email, organization_id: other.id, full_name: 'Wrong org' } }]), 404, 'USER_NOT_FOUND');
      expectProblem(await inbound([{ type: 'user.created', data: { organization_id: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', email: 'new@acme.test', full_name: 'New' } }]), 422, 'IDENTITY_EVENT_REJECTED');
      expectProblem(await inbound([{ type: 'role.assigned', data: { email: other.admin.email, role: 'employee' } }]), 409, 'LAST_ADMIN');
    });
  });
});

describe('Webhooks with the defaults: public receivers only, no inbound secret', () => {
  let t: TestApp;
  let org: TestOrganization;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ WEBHOOK_RETRY_BASE_MS: '50' });
    org = await t.given.organization('Strict');
  });

  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('refuses URLs of loopback, private, link-local and unresolvable hosts', async () => {
    for (const url of [receiver.url(), 'http://localhost:8080/in', 'http://[::1]/in', 'http://[::ffff:127.0.0.1]/in', 'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/in', 'http://192.168.1.20/in', 'http://2130706433/in', 'http://does-not-exist.invalid/in']) {
      const response = await request(t.http).post('/api/v1/webhook-subscriptions').set(bearer(org.admin.accessToken)).send({ url, events: ['spend.paid'] });
      expectProblem(response, 422, 'WEBHOOK_URL_FORBIDDEN');
      expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/not a public internet address|cannot be resolved/) }]);
    }
    const [{ n }]: Array<{ n: string }> = await t.dataSource.query(`SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE organization_id = $1`, [org.id]);
    expect(Number(n)).toBe(0);
  });

  it('still refuses to deliver to a private address saved before (when it was allowed)', async () => {
    const [{ id }]: Array<{ id: string }> = await t.dataSource.query(
      `INSERT INTO webhook_subscriptions (organization_id, url, events, secret) VALUES ($1, $2, '{spend.submitted}', $3) RETURNING id`, [org.id, receiver.url(), SIGNING_SECRET],
    );
    await request(t.http).post('/api/v1/spends').set(bearer(org.admin.accessToken)).send({ amount: '10.00', currency: 'USD', spend_date: '2026-03-02', merchant: 'Internal' }).expect(201);
    await until(async () => {
      const [row]: Array<{ attempts: number }> = await t.dataSource.query(`SELECT attempts FROM webhook_deliveries WHERE subscription_id = $1`, [id]);
      return (row?.attempts ?? 0) >= 2;
    }, 'two refused attempts');
    const [row]: Array<{ error: string; response_status: number | null }> = await t.dataSource.query(`SELECT error, response_status FROM webhook_deliveries WHERE subscription_id = $1`, [id]);
    expect(row).toEqual({ error: expect.stringMatching(/127\.0\.0\.1.*not a public internet address/), response_status: null });
    expect(receiver.received).toEqual([]);
  });

  it('refuses every inbound event when no WEBHOOK_SECRET is set', async () => {
    for (const secret of ['', 'anything', INBOUND_SECRET]) {
      expectProblem(await request(t.http).post('/api/v1/events/webhook').set('x-webhook-secret', secret).send([{ type: 'user.deleted', data: { email: 'a@acme.test' } }]), 401, 'WEBHOOK_UNAUTHORIZED');
    }
  });
});
