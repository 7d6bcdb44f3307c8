import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { TestOrganization } from './helpers/given';
import { bearer } from './helpers/problems';
import { RunningApi, RunningWorker, startApi, startWorker } from './helpers/processes';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

jest.setTimeout(120_000);

/** A span as the OTLP/HTTP JSON encoding carries it (the fields used here). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
interface ExportedSpan extends OtlpSpan {
  service: string;
}
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const SPAN_KIND_CONSUMER = 5;
const redisUrl = process.env.REDIS_URL;
const today = () => new Date().toISOString().slice(0, 10);

/** The first of `keys` the span has (the stable semantic conventions' name first, the older one after). */
const attribute = (span: OtlpSpan, ...keys: string[]): unknown => {
  for (const key of keys) {
    const value = span.attributes?.find((a) => a.key === key)?.value;
    if (value !== undefined) return Object.values(value)[0];
  }
  return undefined;
};
const path = (span: OtlpSpan) => attribute(span, 'url.path', 'http.target');
const isServerSpanOf = (url: string) => (span: OtlpSpan) => span.kind === SPAN_KIND_SERVER && path(span) === url;
const isJobSpan = (span: OtlpSpan) => span.kind === SPAN_KIND_CONSUMER && span.name.startsWith('job ');
const isQuery = (span: OtlpSpan) =>
  attribute(span, 'db.system.name', 'db.system') === 'postgresql' && span.name.startsWith('pg.query');

/** A minimal OTLP/HTTP trace receiver: keeps every span POSTed to /v1/traces. */
async function otlpReceiver(): Promise<{ server: Server; url: string; spans: ExportedSpan[]; contentTypes: string[] }> {
  const spans: ExportedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        contentTypes.push(String(req.headers['content-type']));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const resource of body.resourceSpans) {
          const service = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, spans, contentTypes };
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('OpenTelemetry tracing of the built API (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let t: TestApp;
  let org: TestOrganization;
  let api: RunningApi;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    // The suite's own app (untraced) would take the outbox rows first: it polls only after a minute.
    t = await createTestApp({ OUTBOX_POLL_MS: '60000' });
    org = await t.given.organization();
    receiver = await otlpReceiver();
    api = await startApi({
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });
  afterAll(async () => {
    await api?.stop();
    receiver?.server.close();
    await t?.close();
  });

  it("exports a request's HTTP server span and its SQL spans in one trace, without secrets", async () => {
    await request(api.url).get('/api/v1/users/me').set(bearer(org.admin.accessToken)).expect(200);
    const server = await until('the server span of GET /api/v1/users/me', () =>
      receiver.spans.find(isServerSpanOf('/api/v1/users/me')),
    );
    expect(server.service).toBe('spendin-api');
    expect(attribute(server, 'http.response.status_code', 'http.status_code')).toBe(200);
    const queries = await until('the SQL spans of that request', () => {
      const found = receiver.spans.filter((s) => s.traceId === server.traceId && isQuery(s));
      return found.length >= 2 ? found : undefined;
    });
    for (const query of queries) {
      expect(query.kind).toBe(SPAN_KIND_CLIENT);
      expect(query.service).toBe('spendin-api');
      expect(query.parentSpanId).toBe(server.spanId);
      // Parameterized statement text only: no parameter values.
      expect(attribute(query, 'db.postgresql.values')).toBeUndefined();
    }
    expect(queries.map((q) => String(attribute(q, 'db.query.text', 'db.statement')))).toContainEqual(
      expect.stringMatching(/FROM users .*\$1/s),
    );
    expect(receiver.contentTypes).toContain('application/json');
    // Neither the bearer token nor the Authorization header appears in any exported span.
    const exported = JSON.stringify(receiver.spans);
    expect(exported).not.toContain(org.admin.accessToken);
    expect(exported.toLowerCase()).not.toContain('authorization');
  });

  it('leaves health probes untraced', async () => {
    await request(api.url).get('/health').expect(200);
    await request(api.url).get('/api/v1/organization').set(bearer(org.admin.accessToken)).expect(200);
    // The later request's span arriving means the probe's would have, too (one batch, in order).
    await until('the server span of GET /api/v1/organization', () =>
      receiver.spans.find(isServerSpanOf('/api/v1/organization')),
    );
    expect(receiver.spans.filter((s) => String(path(s)).startsWith('/health'))).toEqual([]);
  });

  it("runs the job a request enqueued (in the API, without Redis) in a span of that request's trace", async () => {
    await request(api.url)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '42.00', currency: 'USD', spend_date: today() })
      .expect(201);
    const server = await until('the server span of POST /api/v1/spends', () =>
      receiver.spans.find(isServerSpanOf('/api/v1/spends')),
    );
    const job = await until('a job span in that trace', () =>
      receiver.spans.find((s) => s.traceId === server.traceId && isJobSpan(s)),
    );
    expect(job.service).toBe('spendin-api');
    expect(attribute(job, 'spendin.outbox.topic')).toMatch(/^spend\./);
    // Its own queries are its children, in the same trace.
    await until("the job's queries", () =>
      receiver.spans.find((s) => s.parentSpanId === job.spanId && s.traceId === server.traceId && isQuery(s)),
    );
  });

  it('flushes the spans still waiting in the batch when the API stops, under OTEL_SERVICE_NAME', async () => {
    await api.stop();
    const before = receiver.spans.length;
    // A batch delay far longer than the test: only the shutdown's flush can deliver these spans.
    api = await startApi({
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_SERVICE_NAME: 'spendin-api-eu',
    });
    await request(api.url).get('/api/v1/users/me').set(bearer(org.admin.accessToken)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.spans.slice(before)).toEqual([]);
    const stopped = await api.stop();
    expect(stopped.code).toBe(0);
    const flushed = receiver.spans.slice(before);
    expect(flushed.find(isServerSpanOf('/api/v1/users/me'))?.service).toBe('spendin-api-eu');
  });
});

// The worker exists only with Redis: without REDIS_URL the API runs the jobs (above).
(redisUrl ? describe : describe.skip)('OpenTelemetry tracing across the outbox to the worker (Redis)', () => {
  let t: TestApp;
  let org: TestOrganization;
  let api: RunningApi;
  let worker: RunningWorker;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    t = await createTestApp({ JOBS_IN_API: 'false' });
    org = await t.given.organization();
    receiver = await otlpReceiver();
    const shared = {
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: t.config.jobs.queuePrefix,
      RECEIPTS_DIR: t.config.receipts.dir,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    api = await startApi({ ...shared, JOBS_IN_API: 'false' });
    worker = await startWorker({ ...shared, OCR_WORKERS: '1' });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    receiver?.server.close();
    await t?.close();
  });

  it("continues the request's trace in the worker's job span", async () => {
    await request(api.url)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '42.00', currency: 'USD', spend_date: today() })
      .expect(201);
    const server = await until('the server span of POST /api/v1/spends', () =>
      receiver.spans.find(isServerSpanOf('/api/v1/spends')),
    );
    expect(server.service).toBe('spendin-api');
    const job = await until("the worker's job span in that trace", () =>
      receiver.spans.find((s) => s.traceId === server.traceId && isJobSpan(s) && s.service === 'spendin-worker'),
    );
    expect(attribute(job, 'spendin.outbox.topic')).toMatch(/^spend\./);
    await until("the worker's queries under the job span", () =>
      receiver.spans.find((s) => s.parentSpanId === job.spanId && s.service === 'spendin-worker' && isQuery(s)),
    );
  });
});

describe('Without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const ROOT = join(__dirname, '..');
  /** Loads the API's entry point's tracing and its whole module graph, and lists what of OpenTelemetry got loaded. */
  const loadedOpenTelemetry = (env: Record<string, string>): string[] => {
    const script = [
      `require(${JSON.stringify(join(ROOT, 'dist/src/common/tracing/register-api'))});`,
      `require(${JSON.stringify(join(ROOT, 'dist/src/app.module'))});`,
      `const names = new Set(Object.keys(require.cache).map((p) => /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(p)?.[1]).filter(Boolean));`,
      `process.stdout.write(JSON.stringify([...names]));`,
      `process.exit(0);`,
    ].join('\n');
    const { PATH, HOME } = process.env;
    // In a directory of its own, so that no `.env` of the checkout reaches it.
    const cwd = mkdtempSync(join(tmpdir(), 'spendin-tracing-'));
    const run = spawnSync(process.execPath, ['-e', script], { cwd, env: { PATH, HOME, ...env }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout) as string[];
  };

  it('loads nothing of the OpenTelemetry SDK', () => {
    // @opentelemetry/api (the no-op API some dependencies call) may be there; nothing that records or exports.
    expect(loadedOpenTelemetry({}).filter((name) => name !== '@opentelemetry/api')).toEqual([]);
  });

  it('(with it, the same program loads the SDK: the check above can fail)', () => {
    expect(loadedOpenTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toContain(
      '@opentelemetry/sdk-node',
    );
  });
});
