import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { canonicalJson } from '../src/common/json/canonical-json';
import { SecretBox } from '../src/common/secrets/secret-box';
import { JobRegistry, OutboxJob } from '../src/jobs/job-registry';
import { verifySignature } from '../src/webhooks/delivery/signature';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

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

  events(type?: string): Array<{
    id: string;
    type: string;
    sequence: number | null;
    spend_id: string | null;
    data: Record<string, unknown>;
    raw: Received;
  }> {
    return this.received
      .map((r) => ({ ...JSON.parse(r.body), raw: r }))
      .filter((e) => type === undefined || e.type === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe(`Webhooks (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let admin: TestUser;
  let employee: TestUser;
  let finance: TestUser;
  let manager: TestUser;
  const receiver = new Receiver();
  const subscribe = async (body: object = {}, by: TestUser = admin) =>
    (
      await t
        .as(by)
        .post('/webhook-subscriptions', {
          url: receiver.url(),
          events: ['spend.submitted', 'spend.approved', 'spend.paid'],
          secret: SIGNING_SECRET,
          ...body,
        })
        .expect(201)
    ).body;
  const deliveries = async (subscriptionId: string, query = '') =>
    (await t.as(admin).get(`/webhook-subscriptions/${subscriptionId}/deliveries?limit=100${query}`).expect(200)).body
      .items as Array<
      Record<string, unknown> & {
        id: string;
        spend_id: string | null;
        event_type: string;
        event_id: string;
        status: string;
        attempts: number;
      }
    >;
  const pause = async (subscriptionId: string) =>
    t.as(admin).patch(`/webhook-subscriptions/${subscriptionId}`, { is_active: false }).expect(200);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
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
      expect(created).toMatchObject({
        url: receiver.url(),
        events: ['spend.submitted', 'spend.approved', 'spend.paid'],
        description: 'ERP',
        is_active: true,
        secret: SIGNING_SECRET,
        secret_hint: '…6789',
      });
      const read = (await t.as(admin).get(`/webhook-subscriptions/${created.id}`).expect(200)).body;
      expect(read).toEqual({ ...created, secret: undefined, updated_at: expect.any(String) });
      expect(read).not.toHaveProperty('secret');
      const list = (await t.as(admin).get('/webhook-subscriptions').expect(200)).body;
      expect(list.items.map((s: { id: string }) => s.id)).toContain(created.id);
      expect(JSON.stringify(list)).not.toContain(SIGNING_SECRET);
      const audit = (await t.as(admin).get(`/audit-logs?entity_id=${created.id}`).expect(200)).body.items;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(['webhook_subscription.created']);
      expect(JSON.stringify(audit)).not.toContain(SIGNING_SECRET);
      await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('generates a secret when none is given', async () => {
      const created = (
        await t
          .as(admin)
          .post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.paid'] })
          .expect(201)
      ).body;
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(created.secret_hint).toBe(`…${created.secret.slice(-4)}`);
      await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
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
        const response = await t.as(admin).post('/webhook-subscriptions', body);
        expect([response.status, response.body.errors?.[0]?.field]).toEqual([422, field]);
      }
    });

    it('is for admins: 403 for everyone else, 401 without a token', async () => {
      const created = await subscribe();
      for (const user of [employee, manager, finance]) {
        expectProblem(await t.as(user).get('/webhook-subscriptions'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(
          await t.as(user).post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.paid'] }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(
          await t.as(user).get(`/webhook-subscriptions/${created.id}/deliveries`),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
      }
      expectProblem(await request(t.http).get('/api/v1/webhook-subscriptions'), 401, 'AUTHENTICATION_REQUIRED');
      await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it("answers 404 for another organization's subscription, whatever the route", async () => {
      const theirs = await subscribe({}, other.admin);
      expectProblem(
        await t.as(admin).get(`/webhook-subscriptions/${theirs.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await t.as(admin).patch(`/webhook-subscriptions/${theirs.id}`, { is_active: false }),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await t.as(admin).delete(`/webhook-subscriptions/${theirs.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await t.as(admin).get(`/webhook-subscriptions/${theirs.id}/deliveries`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await t.as(admin).post(`/webhook-subscriptions/${theirs.id}/deliveries/${theirs.id}/retry`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expect(
        (await t.as(admin).get('/webhook-subscriptions?limit=100').expect(200)).body.items.map(
          (s: { id: string }) => s.id,
        ),
      ).not.toContain(theirs.id);
      expectProblem(await t.as(admin).get('/webhook-subscriptions/not-a-uuid'), 422, 'VALIDATION_FAILED');
      await t.as(other.admin).delete(`/webhook-subscriptions/${theirs.id}`).expect(200);
    });

    it('changes events and description, rotates the secret, and audits without the secret', async () => {
      const created = await subscribe();
      const updated = (
        await t
          .as(admin)
          .patch(`/webhook-subscriptions/${created.id}`, {
            events: ['spend.paid'],
            description: 'Payouts',
            secret: 'whsec_rotated_secret_abcdefghijklmn',
          })
          .expect(200)
      ).body;
      expect(updated).toMatchObject({ events: ['spend.paid'], description: 'Payouts', secret_hint: '…klmn' });
      const [entry] = (
        await t.as(admin).get(`/audit-logs?entity_id=${created.id}&action=webhook_subscription.updated`).expect(200)
      ).body.items;
      expect(entry.metadata.changes).toMatchObject({
        events: { from: ['spend.submitted', 'spend.approved', 'spend.paid'], to: ['spend.paid'] },
        secret: { from: '(hidden)', to: '(rotated)' },
      });
      expect(JSON.stringify(entry)).not.toContain('whsec_rotated');
      await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('deletes a subscription: gone from reads, and sent nothing more', async () => {
      const created = await subscribe();
      expect((await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200)).body).toEqual({
        message: 'Deleted successfully',
      });
      expectProblem(
        await t.as(admin).get(`/webhook-subscriptions/${created.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await t.as(admin).delete(`/webhook-subscriptions/${created.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      const before = receiver.received.length;
      const marker = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'After delete',
      });
      const [row]: Array<{ n: string }> = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.subscription_id = $1 OR e.spend_id = $2`,
        [created.id, marker.id],
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(Number(row.n)).toBe(0);
      expect(receiver.received.length).toBe(before);
    });
  });

  describe('secrets at rest', () => {
    /** Every column of the subscription's row, as text: where a plain secret would show. */
    const storedRow = async (id: string) => {
      const [row]: Array<{
        secret: string | null;
        secret_ciphertext: string;
        secret_hint: string;
        everything: string;
      }> = await t.dataSource.query(
        `SELECT secret, secret_ciphertext, secret_hint, row_to_json(s)::text AS everything FROM webhook_subscriptions s WHERE id = $1`,
        [id],
      );
      return row;
    };
    const secretForms = (secret: string) => [
      secret,
      secret.slice(6),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('hex'),
    ];

    it('stores a subscription secret sealed: no column holds it, in any encoding, whether given or generated', async () => {
      const given = await subscribe({ events: ['spend.paid'] });
      const generated = (
        await t
          .as(admin)
          .post('/webhook-subscriptions', { url: receiver.url(), events: ['spend.paid'] })
          .expect(201)
      ).body;
      for (const [created, secret] of [
        [given, SIGNING_SECRET],
        [generated, generated.secret],
      ] as const) {
        expect(created.secret).toBe(secret);
        const row = await storedRow(created.id);
        expect(row).toMatchObject({
          secret: null,
          secret_hint: secret.slice(-4),
          secret_ciphertext: expect.stringMatching(/^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]+$/),
        });
        for (const form of secretForms(secret)) expect(row.everything).not.toContain(form);
        await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
      }
    });

    it('rotates a secret: sealed anew, and the next delivery is signed with the new secret only', async () => {
      const created = await subscribe({ events: ['spend.submitted'], url: receiver.url('/rotating') });
      const sealedBefore = (await storedRow(created.id)).secret_ciphertext;
      const rotatedSecret = 'whsec_rotated_at_rest_0123456789abcdef';
      await t.as(admin).patch(`/webhook-subscriptions/${created.id}`, { secret: rotatedSecret }).expect(200);
      const row = await storedRow(created.id);
      expect(row.secret_ciphertext).not.toBe(sealedBefore);
      for (const form of secretForms(rotatedSecret)) expect(row.everything).not.toContain(form);
      const marker = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'After rotation',
      });
      await until(
        () =>
          receiver.received.some(
            (r) => r.headers['x-spendin-event-type'] === 'spend.submitted' && JSON.parse(r.body).spend_id === marker.id,
          ),
        'the delivery after rotation',
      );
      const sent = receiver.received.find(
        (r) => JSON.parse(r.body).spend_id === marker.id && r.headers['x-spendin-event-type'] === 'spend.submitted',
      )!;
      const now = Math.floor(Date.now() / 1000);
      expect(verifySignature(String(sent.headers['x-spendin-signature']), sent.body, rotatedSecret, now)).toBe(true);
      expect(verifySignature(String(sent.headers['x-spendin-signature']), sent.body, SIGNING_SECRET, now)).toBe(false);
      await t.as(admin).delete(`/webhook-subscriptions/${created.id}`).expect(200);
    });

    it('delivers for a row an older process wrote in plain text during an upgrade, and seals it then', async () => {
      const plain = 'whsec_written_by_the_previous_version_01';
      const [{ id }]: Array<{ id: string }> = await t.dataSource.query(
        `INSERT INTO webhook_subscriptions (organization_id, url, events, secret) VALUES ($1, $2, '{spend.submitted}', $3) RETURNING id`,
        [org.id, receiver.url('/legacy'), plain],
      );
      const marker = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Mid-upgrade',
      });
      await until(
        () =>
          receiver.received.some(
            (r) =>
              JSON.parse(r.body).spend_id === marker.id &&
              r.headers['x-spendin-event-type'] === 'spend.submitted' &&
              r.body.length > 0 &&
              verifySignature(String(r.headers['x-spendin-signature']), r.body, plain, Math.floor(Date.now() / 1000)),
          ),
        'the delivery signed with the plain secret',
      );
      const row = await storedRow(id);
      expect(row).toMatchObject({
        secret: null,
        secret_hint: plain.slice(-4),
        secret_ciphertext: expect.stringMatching(/^v1\./),
      });
      expect(row.everything).not.toContain(plain);
      await t.as(admin).delete(`/webhook-subscriptions/${id}`).expect(200);
    });

    it('replays an Idempotency-Key create without the secret, says so, and stores neither the secret nor a plain digest of it', async () => {
      const key = `idem-${Date.now()}`;
      const body = {
        url: receiver.url('/idempotent'),
        events: ['spend.paid'],
        secret: 'whsec_idempotent_secret_0123456789ab',
      };
      const first = await t.as(admin).post('/webhook-subscriptions', body).set('Idempotency-Key', key).expect(201);
      expect(first.body.secret).toBe(body.secret);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const replay = await t.as(admin).post('/webhook-subscriptions', body).set('Idempotency-Key', key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['idempotent-redacted']).toBe('secret');
      expect(replay.body).toEqual({ ...first.body, secret: null });
      const [stored]: Array<{ everything: string; request_hash: string; response_body: Record<string, unknown> }> =
        await t.dataSource.query(
          `SELECT row_to_json(k)::text AS everything, request_hash, response_body FROM idempotency_keys k WHERE user_id = $1 AND key = $2`,
          [admin.id, key],
        );
      expect(stored.response_body).toMatchObject({ id: first.body.id, secret: null });
      for (const form of secretForms(body.secret)) expect(stored.everything).not.toContain(form);
      // The fingerprint is keyed: the plain SHA-256 of the request, which a guess at the secret would reproduce, is not what is stored.
      const plain = createHash('sha256')
        .update(`POST /api/v1/webhook-subscriptions\n${canonicalJson(body)}\n`)
        .digest('hex');
      expect(stored.request_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.request_hash).not.toBe(plain);
      // It still tells another body apart.
      expectProblem(
        await t
          .as(admin)
          .post('/webhook-subscriptions', { ...body, secret: 'whsec_another_secret_0123456789abcdef' })
          .set('Idempotency-Key', key),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(
        (await t.as(admin).get(`/webhook-subscriptions?limit=100`).expect(200)).body.items.filter(
          (s: { url: string }) => s.url === body.url,
        ),
      ).toHaveLength(1);
      await t.as(admin).delete(`/webhook-subscriptions/${first.body.id}`).expect(200);
    });
  });

  describe('deliveries', () => {
    let subscription: { id: string };

    beforeAll(async () => {
      subscription = await subscribe();
    });

    afterAll(async () => {
      await t.as(admin).delete(`/webhook-subscriptions/${subscription.id}`);
    });

    it('signs each delivery and numbers the events of a spend in order: submitted 1, approved 2, paid 3', async () => {
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Cafe Hook',
      });
      expect(created.status).toBe('approved');
      await t.as(finance).post(`/spends/${created.id}/pay`, { reference: 'SEPA-42' }).expect(200);
      await until(
        () => receiver.events().filter((e) => e.spend_id === created.id).length === 3,
        'three events of the spend',
      );
      const events = receiver
        .events()
        .filter((e) => e.spend_id === created.id)
        .sort((a, b) => a.sequence! - b.sequence!);
      expect(events.map((e) => [e.type, e.sequence])).toEqual([
        ['spend.submitted', 1],
        ['spend.approved', 2],
        ['spend.paid', 3],
      ]);
      const paid = events[2];
      expect(paid).toMatchObject({
        organization_id: org.id,
        spend_id: created.id,
        data: {
          reference: 'SEPA-42',
          spend: { id: created.id, amount: '42.50', currency: 'USD', merchant: 'Cafe Hook', user_id: employee.id },
        },
      });
      for (const event of events) {
        const { headers, body } = event.raw;
        expect(headers['content-type']).toBe('application/json');
        expect(headers['x-spendin-event-id']).toBe(event.id);
        expect(headers['x-spendin-event-type']).toBe(event.type);
        expect(
          verifySignature(String(headers['x-spendin-signature']), body, SIGNING_SECRET, Math.floor(Date.now() / 1000)),
        ).toBe(true);
        expect(
          verifySignature(
            String(headers['x-spendin-signature']),
            body,
            'another-secret-entirely-123456',
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
      }
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      await until(
        async () =>
          (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded')
            .length === 3,
        'three succeeded deliveries',
      );
      const listed = (await deliveries(subscription.id)).find((d) => d.event_id === paid.id)!;
      expect(listed).toMatchObject({
        subscription_id: subscription.id,
        event_type: 'spend.paid',
        sequence: 3,
        status: 'succeeded',
        attempts: 1,
        response_status: 200,
        response_body: 'thanks',
        error: null,
        next_attempt_at: null,
      });
      expect(listed.delivered_at).toEqual(expect.any(String));
    });

    it('retries a receiver that fails, with the same event id, until it answers 2xx', async () => {
      receiver.plan = [503, 500];
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Flaky receiver',
      });
      await until(
        async () =>
          (await deliveries(subscription.id)).some(
            (d) => d.spend_id === created.id && d.event_type === 'spend.approved' && d.status === 'succeeded',
          ),
        'the retried delivery',
      );
      const attempts = receiver.received.filter((r) => JSON.parse(r.body).spend_id === created.id);
      const approved = attempts.filter((r) => JSON.parse(r.body).type === 'spend.approved');
      const submitted = attempts.filter((r) => JSON.parse(r.body).type === 'spend.submitted');
      // The first two requests of this spend failed, whichever event they carried; each event was retried until it got through.
      expect(approved.length + submitted.length).toBe(4);
      for (const tries of [approved, submitted])
        expect(new Set(tries.map((r) => r.headers['x-spendin-event-id'])).size).toBe(1);
      const listed = (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id);
      expect(listed.reduce((sum, d) => sum + d.attempts, 0)).toBe(4);
      expect(listed.every((d) => d.status === 'succeeded' && d.response_status === 200)).toBe(true);
      expect((await deliveries(subscription.id, '&status=failed')).filter((d) => d.spend_id === created.id)).toEqual(
        [],
      );
    });

    it('counts a redirect and a receiver that never answers as failed attempts, and retries them', async () => {
      receiver.plan = ['redirect', 'hang'];
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Slow receiver',
      });
      await until(
        async () =>
          (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded')
            .length === 2,
        'deliveries after redirect and timeout',
      );
      // Two events, each delivered once more after the redirect (never followed) and the silence.
      expect(
        (await deliveries(subscription.id))
          .filter((d) => d.spend_id === created.id)
          .reduce((sum, d) => sum + d.attempts, 0),
      ).toBe(4);
      expect(receiver.received.filter((r) => JSON.parse(r.body).spend_id === created.id)).toHaveLength(4);
    });

    it('gives up after the 14th attempt, says why, and replays the delivery on request with the same event id', async () => {
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Given up',
      });
      await until(
        async () =>
          (await deliveries(subscription.id)).some(
            (d) => d.spend_id === created.id && d.event_type === 'spend.approved' && d.status === 'succeeded',
          ),
        'the delivery',
      );
      const delivery = (await deliveries(subscription.id)).find(
        (d) => d.spend_id === created.id && d.event_type === 'spend.approved',
      )!;
      const path = `/webhook-subscriptions/${subscription.id}/deliveries/${delivery.id}/retry`;
      const current = async () => (await deliveries(subscription.id)).find((d) => d.id === delivery.id)!;
      // Straight to the last attempts: the schedule's 13 retries would take a while even at 50 ms.
      for (const [answer, error] of [
        [500, 'receiver answered 500'],
        ['redirect', 'receiver answered 302 (redirects are not followed)'],
        ['hang', 'no answer within 1000 ms'],
      ] as const) {
        await t.dataSource.query(`UPDATE webhook_deliveries SET attempts = 13, status = 'failed' WHERE id = $1`, [
          delivery.id,
        ]);
        receiver.plan = [answer];
        expect((await t.as(admin).post(path).expect(202)).body).toMatchObject({
          id: delivery.id,
          status: 'pending',
          attempts: 13,
        });
        await until(async () => (await current()).status === 'failed', `the last attempt (${answer}) to fail`);
        expect(await current()).toMatchObject({
          status: 'failed',
          attempts: 14,
          response_status: answer === 500 ? 500 : answer === 'redirect' ? 302 : null,
          error,
          next_attempt_at: null,
        });
      }
      const [{ waiting }]: Array<{ waiting: string }> = await t.dataSource.query(
        `SELECT COUNT(*) AS waiting FROM outbox WHERE topic = 'webhook.delivery' AND payload->>'delivery_id' = $1 AND dispatched_at IS NULL`,
        [delivery.id],
      );
      expect(Number(waiting)).toBe(0);

      // The receiver is fixed: a manual replay gets through, as the same event.
      await t.as(admin).post(path).expect(202);
      await until(async () => (await current()).status === 'succeeded', 'the replay');
      expect(await current()).toMatchObject({ attempts: 15, response_status: 200, error: null });
      const sent = receiver.received.filter(
        (r) => JSON.parse(r.body).spend_id === created.id && JSON.parse(r.body).type === 'spend.approved',
      );
      expect(sent).toHaveLength(5);
      expect(new Set(sent.map((r) => r.headers['x-spendin-event-id']))).toEqual(new Set([delivery.event_id]));
      const audit = (await t.as(admin).get(`/audit-logs?entity_id=${delivery.id}`).expect(200)).body.items;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(Array(4).fill('webhook_delivery.retried'));
    });

    it('refuses a retry of an attempt under way (409), of a paused subscription (409), and of unknown deliveries (404)', async () => {
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Retry refusals',
      });
      await until(
        async () =>
          (await deliveries(subscription.id)).some((d) => d.spend_id === created.id && d.status === 'succeeded'),
        'a delivery',
      );
      const delivery = (await deliveries(subscription.id)).find((d) => d.spend_id === created.id)!;
      const path = `/webhook-subscriptions/${subscription.id}/deliveries/${delivery.id}/retry`;
      await t.dataSource.query(`UPDATE webhook_deliveries SET status = 'delivering' WHERE id = $1`, [delivery.id]);
      expectProblem(await t.as(admin).post(path), 409, 'WEBHOOK_DELIVERY_IN_PROGRESS');
      await t.dataSource.query(`UPDATE webhook_deliveries SET status = 'succeeded' WHERE id = $1`, [delivery.id]);
      const second = await subscribe({ events: ['spend.paid'] });
      expectProblem(
        await t.as(admin).post(`/webhook-subscriptions/${second.id}/deliveries/${delivery.id}/retry`),
        404,
        'WEBHOOK_DELIVERY_NOT_FOUND',
      );
      expectProblem(
        await t
          .as(admin)
          .post(`/webhook-subscriptions/${subscription.id}/deliveries/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b/retry`),
        404,
        'WEBHOOK_DELIVERY_NOT_FOUND',
      );
      expectProblem(await t.as(other.admin).post(path), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expectProblem(await t.as(finance).post(path), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await t.as(admin).post(`/webhook-subscriptions/${subscription.id}/deliveries/nope/retry`),
        422,
        'VALIDATION_FAILED',
      );
      await t.as(admin).delete(`/webhook-subscriptions/${second.id}`).expect(200);
      await pause(subscription.id);
      expectProblem(await t.as(admin).post(path), 409, 'WEBHOOK_SUBSCRIPTION_PAUSED');
      await t.as(admin).patch(`/webhook-subscriptions/${subscription.id}`, { is_active: true }).expect(200);
    });

    it('sends only the events subscribed to, and only to active subscriptions', async () => {
      const paidOnly = await subscribe({ events: ['spend.paid'], url: receiver.url('/paid-only') });
      const paused = await subscribe({ events: ['spend.submitted'], url: receiver.url('/paused') });
      await pause(paused.id);
      const created = await t.given.spend(employee, {
        amount: '42.50',
        spend_date: '2026-03-02',
        merchant: 'Selective',
      });
      await t.as(finance).post(`/spends/${created.id}/pay`, {}).expect(200);
      await until(
        async () => (await deliveries(paidOnly.id)).some((d) => d.spend_id === created.id && d.status === 'succeeded'),
        'the paid delivery',
      );
      expect((await deliveries(paidOnly.id)).filter((d) => d.spend_id === created.id).map((d) => d.event_type)).toEqual(
        ['spend.paid'],
      );
      expect(await deliveries(paused.id)).toEqual([]);
      await t.as(admin).delete(`/webhook-subscriptions/${paidOnly.id}`).expect(200);
      await t.as(admin).delete(`/webhook-subscriptions/${paused.id}`).expect(200);
    });

    it('makes nothing twice when a job runs again: the fan-out and an attempt are idempotent', async () => {
      const created = await t.given.spend(employee, { amount: '42.50', spend_date: '2026-03-02', merchant: 'Twice' });
      await until(
        async () =>
          (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id && d.status === 'succeeded')
            .length === 2,
        'both deliveries',
      );
      const jobs: Array<{ id: string; topic: OutboxJob['topic']; payload: Record<string, unknown> }> =
        await t.dataSource.query(`SELECT id, topic, payload FROM outbox WHERE payload->>'spend_id' = $1 ORDER BY id`, [
          created.id,
        ]);
      const consumer = (name: string) =>
        t.app
          .get(JobRegistry)
          .all()
          .find((c) => c.name === name)!;
      const received = receiver.received.length;
      for (const job of jobs)
        await consumer('webhooks').handle({
          outboxId: String(job.id),
          organizationId: org.id,
          topic: job.topic,
          payload: job.payload,
        });
      const attemptJobs: Array<{ id: string; payload: Record<string, unknown> }> = await t.dataSource.query(
        `SELECT o.id, o.payload FROM outbox o JOIN webhook_deliveries d ON d.id::text = o.payload->>'delivery_id' JOIN webhook_events e ON e.id = d.event_id
         WHERE o.topic = 'webhook.delivery' AND e.spend_id = $1`,
        [created.id],
      );
      expect(attemptJobs.length).toBe(2);
      for (const job of attemptJobs)
        await consumer('webhook-deliveries').handle({
          outboxId: String(job.id),
          organizationId: org.id,
          topic: 'webhook.delivery',
          payload: job.payload,
        });
      expect(receiver.received.length).toBe(received);
      expect(
        (await deliveries(subscription.id)).filter((d) => d.spend_id === created.id).map((d) => d.attempts),
      ).toEqual([1, 1]);
    });
  });
});

describe('Webhooks with the defaults: public receivers only', () => {
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
    for (const url of [
      receiver.url(),
      'http://localhost:8080/in',
      'http://[::1]/in',
      'http://[::ffff:127.0.0.1]/in',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/in',
      'http://192.168.1.20/in',
      'http://2130706433/in',
      'http://0x7f.1/in',
      'http://does-not-exist.invalid/in',
      // IPv4-compatible and IPv4-translated spellings of 127.0.0.1, which the hand-written parser let through.
      'http://[::127.0.0.1]/in',
      'http://[::ffff:0:127.0.0.1]/in',
      'http://[::]/in',
      'http://0.0.0.0/in',
    ]) {
      const response = await request(t.http)
        .post('/api/v1/webhook-subscriptions')
        .set(bearer(org.admin.accessToken))
        .send({ url, events: ['spend.paid'] });
      expectProblem(response, 422, 'WEBHOOK_URL_FORBIDDEN');
      expect(response.body.errors).toEqual([
        { field: 'url', message: expect.stringMatching(/not a public internet address|cannot be resolved/) },
      ]);
    }
    const [{ n }]: Array<{ n: string }> = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE organization_id = $1`,
      [org.id],
    );
    expect(Number(n)).toBe(0);
  });

  it('still refuses to deliver to a private address saved before (when it was allowed), in any spelling', async () => {
    const port = new URL(receiver.url()).port;
    const saved = [
      [receiver.url(), /points at 127\.0\.0\.1, which is not a public internet address/],
      [`http://[::ffff:0:127.0.0.1]:${port}/in`, /points at ::ffff:0:7f00:1, which is not a public internet address/],
    ] as const;
    const ids: string[] = [];
    for (const [url] of saved) {
      const [{ id }]: Array<{ id: string }> = await t.dataSource.query(
        `INSERT INTO webhook_subscriptions (organization_id, url, events, secret) VALUES ($1, $2, '{spend.submitted}', $3) RETURNING id`,
        [org.id, url, SIGNING_SECRET],
      );
      ids.push(id);
    }
    await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '10.00', currency: 'USD', spend_date: '2026-03-02', merchant: 'Internal' })
      .expect(201);
    for (const [i, [, error]] of saved.entries()) {
      await until(async () => {
        const [row]: Array<{ attempts: number }> = await t.dataSource.query(
          `SELECT attempts FROM webhook_deliveries WHERE subscription_id = $1`,
          [ids[i]],
        );
        return (row?.attempts ?? 0) >= 2;
      }, 'two refused attempts');
      const [row]: Array<{ error: string; response_status: number | null }> = await t.dataSource.query(
        `SELECT error, response_status FROM webhook_deliveries WHERE subscription_id = $1`,
        [ids[i]],
      );
      expect(row).toEqual({ error: expect.stringMatching(error), response_status: null });
    }
    expect(receiver.received).toEqual([]);
  });
});

describe('Webhook secrets when SECRETS_KEY changes', () => {
  const receiver = new Receiver();
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  const settings = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '1000' };
  let first: TestApp;
  let org: TestOrganization;
  let subscriptionId: string;
  let identitySecret: string;
  const identitySealed = async (app: TestApp) =>
    (
      await app.dataSource.query(`SELECT secret_ciphertext FROM identity_providers WHERE organization_id = $1`, [
        org.id,
      ])
    )[0].secret_ciphertext as string;
  const stored = async (app: TestApp) =>
    (
      await app.dataSource.query(`SELECT secret, secret_ciphertext FROM webhook_subscriptions WHERE id = $1`, [
        subscriptionId,
      ])
    )[0] as { secret: string | null; secret_ciphertext: string };
  const keyIdOf = (sealed: string) => sealed.split('.')[1];
  const submit = async (app: TestApp, merchant: string) =>
    (
      await request(app.http)
        .post('/api/v1/spends')
        .set(bearer(org.admin.accessToken))
        .send({ amount: '5.00', currency: 'USD', spend_date: '2026-03-02', merchant })
        .expect(201)
    ).body.id as string;

  beforeAll(async () => {
    await receiver.start();
    first = await createTestApp({ ...settings, SECRETS_KEY: oldKey.toString('base64') });
    org = await first.given.organization('Rotating keys');
    subscriptionId = (
      await request(first.http)
        .post('/api/v1/webhook-subscriptions')
        .set(bearer(org.admin.accessToken))
        .send({ url: receiver.url(), events: ['spend.submitted'], secret: SIGNING_SECRET })
        .expect(201)
    ).body.id;
    expect(keyIdOf((await stored(first)).secret_ciphertext)).toBe(new SecretBox(oldKey).keyId);
    identitySecret = (
      await request(first.http)
        .post('/api/v1/organization/identity-provider/secret')
        .set(bearer(org.admin.accessToken))
        .expect(201)
    ).body.secret;
    expect(keyIdOf(await identitySealed(first))).toBe(new SecretBox(oldKey).keyId);
    await first.close({ keepDatabase: true });
  });

  afterAll(async () => {
    await receiver.stop();
  });

  it('re-seals every secret under the new key at start and keeps signing with the same secret; without that key the attempt says why', async () => {
    const rotated = await createTestApp(
      { ...settings, SECRETS_KEY: newKey.toString('base64'), SECRETS_PREVIOUS_KEYS: oldKey.toString('base64') },
      first,
    );
    try {
      const row = await stored(rotated);
      expect(row.secret).toBeNull();
      expect(keyIdOf(row.secret_ciphertext)).toBe(new SecretBox(newKey).keyId);
      const spendId = await submit(rotated, 'After a key rotation');
      await until(() => receiver.events().some((e) => e.spend_id === spendId), 'the delivery under the new key');
      const sent = receiver.events().find((e) => e.spend_id === spendId)!.raw;
      expect(
        verifySignature(
          String(sent.headers['x-spendin-signature']),
          sent.body,
          SIGNING_SECRET,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
      // The organization's identity-provider secret too: re-sealed, and the provider's signature still verifies.
      expect(keyIdOf(await identitySealed(rotated))).toBe(new SecretBox(newKey).keyId);
      const body = JSON.stringify([
        { id: 'evt-after-rotation', type: 'user.deleted', data: { email: 'nobody@rotating.test' } },
      ]);
      const at = new Date();
      const signed = await request(rotated.http)
        .post(`/api/v1/events/webhook/${org.id}`)
        .set('content-type', 'application/json')
        .set('webhook-id', 'msg_rotation')
        .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
        .set('webhook-signature', new Webhook(identitySecret).sign('msg_rotation', at, body))
        .send(body);
      expect([signed.status, signed.body.results?.[0]?.outcome]).toEqual([200, 'ignored']);
    } finally {
      await rotated.close({ keepDatabase: true });
    }

    // Started again with only the old key: what the new key sealed cannot be opened, and nothing is sent.
    const lost = await createTestApp({ ...settings, SECRETS_KEY: oldKey.toString('base64') }, first);
    try {
      const spendId = await submit(lost, 'Key lost');
      const error = async () => {
        const [row]: Array<{ error: string | null }> = await lost.dataSource.query(
          `SELECT d.error FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.spend_id = $1`,
          [spendId],
        );
        return row?.error ?? null;
      };
      await until(async () => (await error()) !== null, 'the failed attempt');
      expect(await error()).toBe(
        `the subscription's secret cannot be read: sealed under key ${new SecretBox(newKey).keyId}, which is neither SECRETS_KEY nor one of SECRETS_PREVIOUS_KEYS`,
      );
      expect(receiver.events().some((e) => e.spend_id === spendId)).toBe(false);
      expect(keyIdOf((await stored(lost)).secret_ciphertext)).toBe(new SecretBox(newKey).keyId);
    } finally {
      await lost.close();
    }
  });
});
