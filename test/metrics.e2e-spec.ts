import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type Bull from 'bull';
import request from 'supertest';
import { BullTransport } from '../src/jobs/bull-transport';
import { JobTransport } from '../src/jobs/transport';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const TOKEN = 'a-scrape-token-of-this-installation-0123456789';
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const withRedis = Boolean(process.env.REDIS_URL);

// OCR of one receipt takes a few seconds on a small machine.
jest.setTimeout(120_000);

/** The value of one series in a Prometheus text exposition; undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = async (t: TestApp) => {
  const response = await request(t.http).get('/metrics').set(bearer(TOKEN)).expect(200);
  return response.text;
};

describe(`GET /metrics (${withRedis ? 'Bull on Redis' : 'in-process'})`, () => {
  describe('off, the default', () => {
    let t: TestApp;
    let org: TestOrganization;
    beforeAll(async () => {
      t = await createTestApp();
      org = await t.given.organization();
    });
    afterAll(() => t.close());

    it('is not mounted: 404 like any path that names nothing, with or without credentials', async () => {
      expectProblem(await request(t.http).get('/metrics'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await request(t.http).get('/metrics').set(bearer(TOKEN)), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await request(t.http).get('/metrics').set(bearer(org.admin.accessToken)), 404, 'ROUTE_NOT_FOUND');
    });

    it('is not in the OpenAPI document, nor under /api/v1', async () => {
      const document = (await request(t.http).get('/docs-json').expect(200)).body;
      expect(Object.keys(document.paths).filter((path) => path.includes('metrics'))).toEqual([]);
      expectProblem(await request(t.http).get('/api/v1/metrics'), 404, 'ROUTE_NOT_FOUND');
    });
  });

  describe('on without a token', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ METRICS_ENABLED: 'true' });
    });
    afterAll(() => t.close());

    it('answers any scrape, in the Prometheus text format', async () => {
      const response = await request(t.http).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.text).toContain('# TYPE spendin_http_request_duration_seconds histogram');
    });
  });

  describe('on behind METRICS_TOKEN', () => {
    let t: TestApp;
    let org: TestOrganization;
    let employee: TestUser;
    let receiver: Server;
    const answers: number[] = [];

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(answers.shift() ?? 200).end());
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      t = await createTestApp({
        METRICS_ENABLED: 'true',
        METRICS_TOKEN: TOKEN,
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_TIMEOUT_MS: '1000',
      });
      org = await t.given.organization();
      employee = await t.given.user(org, 'employee');
    });
    afterAll(async () => {
      await t.close();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    });

    it("refuses a scrape without the token, with a wrong one, and with an organization admin's bearer token: 401", async () => {
      for (const headers of [
        {},
        bearer(`${TOKEN}x`),
        bearer(org.admin.accessToken),
        { Authorization: `Basic ${TOKEN}` },
      ]) {
        const response = await request(t.http).get('/metrics').set(headers);
        expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
        expect(response.headers['www-authenticate']).toBe('Bearer realm="Spendin metrics"');
        expect(response.text).not.toContain('spendin_');
      }
    });

    it('serves process metrics (memory, event-loop lag) and the database pool', async () => {
      const text = await scrape(t);
      expect(sample(text, 'spendin_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(text).toMatch(/^spendin_nodejs_eventloop_lag_seconds \d/m);
      expect(text).toMatch(/^spendin_nodejs_heap_size_used_bytes \d/m);
      // The suites' pool has one connection (test-app.ts): open, and idle between requests unless a
      // background timer (outbox dispatch, the SLA sweep) holds it at the moment of the scrape.
      expect(
        (sample(text, 'spendin_db_pool_connections{state="in_use"}') ?? NaN) +
          (sample(text, 'spendin_db_pool_connections{state="idle"}') ?? NaN),
      ).toBe(1);
      expect(sample(text, 'spendin_db_pool_connections{state="waiting"}')).toBe(0);
      expect(sample(text, 'spendin_metrics_collector_up{collector="outbox"}')).toBe(1);
      expect(sample(text, 'spendin_metrics_collector_up{collector="queues"}')).toBe(1);
      expect(sample(text, 'spendin_outbox_backlog')).toBeGreaterThanOrEqual(0);
    });

    it('labels HTTP requests by route template, method and status, never by the URL itself', async () => {
      const spend = await t.given.spend(employee);
      await t.as(employee).get(`/spends/${spend.id}`).expect(200);
      await t.as(employee).get(`/spends/${spend.id}`).expect(200);
      await request(t.http).get(`/api/v1/no-such-thing/${spend.id}`).expect(404);
      const text = await scrape(t);
      expect(
        sample(
          text,
          'spendin_http_request_duration_seconds_count{route="/api/v1/spends/:id",method="GET",status="200"}',
        ),
      ).toBe(2);
      expect(
        sample(
          text,
          'spendin_http_request_duration_seconds_bucket{le="+Inf",route="/api/v1/spends/:id",method="GET",status="200"}',
        ),
      ).toBe(2);
      expect(
        sample(text, 'spendin_http_request_duration_seconds_count{route="/api/v1/spends",method="POST",status="201"}'),
      ).toBe(1);
      expect(
        sample(text, 'spendin_http_request_duration_seconds_count{route="(unmatched)",method="GET",status="404"}'),
      ).toBe(1);
      expect(text).not.toContain(spend.id);
    });

    it('counts refused logins by kind, never by who tried', async () => {
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: employee.email, password: 'not-the-password-1234' })
        .expect(401);
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: employee.email, password: 'not-the-password-5678' })
        .expect(401);
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@nowhere.test', password: 'not-the-password-1234' })
        .expect(401);
      const text = await scrape(t);
      expect(sample(text, 'spendin_login_failures_total{kind="bad_password"}')).toBe(2);
      expect(sample(text, 'spendin_login_failures_total{kind="unknown_email"}')).toBe(1);
      expect(text).not.toContain(employee.email);
      expect(text).not.toContain('nobody@nowhere.test');
    });

    it('times OCR runs by outcome once a receipt is read', async () => {
      const spend = await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13' });
      const receipt = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', spend.id)
        .attach('file', RECEIPT, 'r.jpg')
        .expect(201);
      await until(
        async () => {
          const read = await t.as(employee).get(`/receipts/${receipt.body.id}`).expect(200);
          return read.body.ocr_status === 'done' ? read.body : undefined;
        },
        'OCR done',
        { timeoutMs: 90_000 },
      );
      const text = await scrape(t);
      expect(sample(text, 'spendin_ocr_duration_seconds_count{outcome="done"}')).toBe(1);
      expect(sample(text, 'spendin_ocr_duration_seconds_sum{outcome="done"}')).toBeGreaterThan(0);
    });

    it('counts webhook delivery attempts by outcome', async () => {
      const port = (receiver.address() as AddressInfo).port;
      await t
        .as(org.admin)
        .post('/webhook-subscriptions', { url: `http://127.0.0.1:${port}/hooks`, events: ['spend.submitted'] })
        .expect(201);
      answers.push(500);
      await t.given.spend(employee);
      const text = await until(async () => {
        const current = await scrape(t);
        return sample(current, 'spendin_webhook_delivery_attempts_total{outcome="succeeded"}') === 1
          ? current
          : undefined;
      }, 'the retried delivery succeeded');
      expect(sample(text, 'spendin_webhook_delivery_attempts_total{outcome="retrying"}')).toBe(1);
      expect(sample(text, 'spendin_webhook_delivery_attempts_total{outcome="failed"}')).toBeUndefined();
    });
  });
});

describe(`/health/ready with a stalled outbox (${withRedis ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  beforeAll(async () => {
    // The dispatcher's first poll comes a minute after start: rows put in place meanwhile stay due.
    t = await createTestApp({
      OUTBOX_POLL_MS: '60000',
      OUTBOX_STALL_MINUTES: '5',
      METRICS_ENABLED: 'true',
      METRICS_TOKEN: TOKEN,
      ...(withRedis ? { JOBS_IN_API: 'false' } : {}),
    });
    org = await t.given.organization();
  });
  afterAll(() => t.close());

  const dueRow = async (minutesAgo: number): Promise<string> => {
    const [row] = await t.dataSource.query(
      `INSERT INTO outbox (organization_id, topic, payload, available_at, created_at)
       VALUES ($1, 'spend.cancelled', '{}', now() - make_interval(mins => $2), now() - make_interval(mins => $2))
       RETURNING id`,
      [org.id, minutesAgo],
    );
    return String(row.id);
  };

  it('stays ok while the longest-due row is younger than OUTBOX_STALL_MINUTES', async () => {
    const young = await dueRow(4);
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body).not.toHaveProperty('degraded');
    const text = await scrape(t);
    expect(sample(text, 'spendin_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(240);
    expect(sample(text, 'spendin_outbox_oldest_due_age_seconds')).toBeLessThan(300);
    await t.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE id = $1`, [young]);
  });

  it('says degraded, still 200, naming the outbox, once a row has been due longer; ok again once it is dispatched', async () => {
    const backlogBefore = sample(await scrape(t), 'spendin_outbox_backlog')!;
    const old = await dueRow(12);
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      info: { database: { status: 'up' }, queue: { status: 'up' } },
      degraded: { outbox: { status: 'degraded', waiting: expect.any(Number), oldest_age_seconds: expect.any(Number) } },
      details: { outbox: { status: 'degraded' } },
    });
    expect(ready.body.degraded.outbox.oldest_age_seconds).toBeGreaterThanOrEqual(720);
    expect(ready.body.degraded.outbox.oldest_age_seconds).toBeLessThan(800);
    const text = await scrape(t);
    expect(sample(text, 'spendin_outbox_backlog')).toBe(backlogBefore + 1);
    expect(sample(text, 'spendin_outbox_due')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'spendin_outbox_oldest_due_age_seconds')).toBeGreaterThanOrEqual(720);

    await t.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE id = $1`, [old]);
    const again = await request(t.http).get('/health/ready').expect(200);
    expect(again.body.status).toBe('ok');
    expect(again.body).not.toHaveProperty('degraded');
  });

  (withRedis ? it : it.skip)(
    'says degraded naming a queue whose oldest job has waited longer, and counts its jobs',
    async () => {
      const transport = t.app.get(JobTransport) as BullTransport;
      const queue = transport.queue('email');
      await queue.add(
        { outboxId: '1' }, // Bull takes `timestamp` (when the job was made), which its typings leave out.
        { jobId: 'stalled-email', timestamp: Date.now() - 11 * 60_000 } as Bull.JobOptions,
      );
      try {
        const ready = await request(t.http).get('/health/ready').expect(200);
        expect(ready.body.status).toBe('degraded');
        expect(ready.body.degraded['queue:email']).toMatchObject({ status: 'degraded', waiting: 1 });
        expect(ready.body.degraded['queue:email'].oldest_age_seconds).toBeGreaterThanOrEqual(660);
        expect(ready.body.degraded).not.toHaveProperty('queue:ocr');
        const text = await scrape(t);
        expect(sample(text, 'spendin_queue_jobs{queue="email",state="waiting"}')).toBe(1);
        expect(sample(text, 'spendin_queue_jobs{queue="ocr",state="waiting"}')).toBe(0);
      } finally {
        await (await queue.getJob('stalled-email'))?.remove();
      }
      expect((await request(t.http).get('/health/ready').expect(200)).body.status).toBe('ok');
    },
  );
});
