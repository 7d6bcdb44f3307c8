import request from 'supertest';
import type { TestOrganization } from './helpers/given';
import { bearer } from './helpers/problems';
import { freePort, RunningApi, RunningWorker, startApi, startWorker } from './helpers/processes';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

const TOKEN = 'a-scrape-token-of-this-installation-0123456789';
const redisUrl = process.env.REDIS_URL;

jest.setTimeout(120_000);

interface LogLine {
  req?: { url?: string };
  res?: { statusCode: number; headers: Record<string, unknown> };
  userId?: string;
  organizationId?: string;
}

/** The JSON lines of a process's output that pino-http wrote about a request to `url`. */
function requestLines(output: string, url: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((entry) => entry.req?.url === url && entry.res !== undefined);
}

describe('Request logs of the built API', () => {
  let t: TestApp;
  let org: TestOrganization;
  let api: RunningApi;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
    api = await startApi({
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      REDIS_URL: undefined,
    });
  });
  afterAll(async () => {
    await api?.stop();
    await t.close();
  });

  it("name the actor's user and organization, and keep only a few response headers", async () => {
    await request(api.url).get('/api/v1/users/me').set(bearer(org.admin.accessToken)).expect(200);
    await request(api.url).get('/api/v1/organization').expect(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [authenticated] = requestLines(api.output(), '/api/v1/users/me');
    expect(authenticated).toMatchObject({ userId: org.admin.id, organizationId: org.id, res: { statusCode: 200 } });
    expect(Object.keys(authenticated.res!.headers).sort()).toEqual(['content-length', 'content-type']);
    const [anonymous] = requestLines(api.output(), '/api/v1/organization');
    expect(anonymous.res!.statusCode).toBe(401);
    expect(anonymous).not.toHaveProperty('userId');
    expect(anonymous).not.toHaveProperty('organizationId');
    // Helmet's dozen headers, the cache rule and the request id no longer repeat on every line.
    expect(api.output()).not.toMatch(/content-security-policy|strict-transport-security|x-request-id":|cache-control/i);
    expect(api.output()).not.toContain(org.admin.accessToken);
  });
});

// The worker exists only with Redis: without REDIS_URL the API runs the jobs and there is no worker to scrape.
(redisUrl ? describe : describe.skip)("GET /metrics on the worker's health port", () => {
  let t: TestApp;
  let worker: RunningWorker;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_IN_API: 'false' });
    port = await freePort();
    worker = await startWorker({
      DATABASE_URL: t.databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: t.config.jobs.queuePrefix,
      JWT_SECRET: TEST_JWT_SECRET,
      RECEIPTS_DIR: t.config.receipts.dir,
      OCR_WORKERS: '1',
      WORKER_HEALTH_PORT: String(port),
      HOST: '127.0.0.1',
      METRICS_ENABLED: 'true',
      METRICS_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
  });

  it('asks for the token, then serves the pool, the outbox, the queues and the process', async () => {
    const url = `http://127.0.0.1:${port}`;
    for (const headers of [{}, bearer(`${TOKEN}x`)]) {
      const refused = await request(url).get('/metrics').set(headers).expect(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="Spendin metrics"');
      expect(refused.text).not.toContain('spendin_');
    }
    const response = await request(url).get('/metrics').set(bearer(TOKEN)).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    expect(text).toMatch(/^spendin_db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^spendin_outbox_backlog \d+$/m);
    expect(text).toMatch(/^spendin_outbox_oldest_due_age_seconds [\d.]+$/m);
    expect(text).toMatch(/^spendin_queue_jobs\{queue="ocr",state="waiting"\} 0$/m);
    expect(text).toMatch(/^spendin_queue_jobs\{queue="webhook-deliveries",state="failed"\} 0$/m);
    expect(text).toMatch(/^spendin_process_resident_memory_bytes \d+$/m);
    expect(text).toContain('# TYPE spendin_ocr_duration_seconds histogram');
    // The health endpoints are as they were.
    expect((await request(url).get('/health/ready').expect(200)).body.status).toBe('ok');
  });
});
