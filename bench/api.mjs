#!/usr/bin/env node
// Load benchmark of the spend workflow: seeds a database with 1,000,000 spends across 50
// organizations, starts the built API against it as its own process (with Redis for the
// job queue, as in production), and drives list-spends, create-spend, approval decisions and
// the reports with autocannon from this process. Prints throughput, p50/p95/p99 latency and
// errors per scenario, the API's resident memory sampled during the load, and the CPU time
// per request of the API, of its PostgreSQL backends and of this load generator. Before each
// workflow scenario it sends the API's own statements (imported from dist/) straight through
// `pg` (bench/raw-sql.mjs), at the benchmark's concurrency and at the API's pool size, and prints
// the API's rate as a share of the better of those rates; create-spend also runs an independent
// yardstick, the least hand-written SQL a create needs (bench/minimal-sql.mjs), labelled "limit". The exports print their duration, size and the API process's
// peak memory.
//
//   npm run bench:api                      # DATABASE_URL or PostgreSQL at 127.0.0.1:5432
//   BENCH_SPENDS=200000 BENCH_SECONDS=10 npm run bench:api
//   BENCH_ORGS=1 BENCH_SCENARIOS=reports npm run bench:api   # every spend in one organization
//
// BENCH_DATABASE names the database it drops and seeds (default spendin_bench).
// BENCH_REDIS (default REDIS_URL, else redis://127.0.0.1:6379; `off` for none: the API then
// runs the jobs itself) is the API's Redis; its queues get a prefix of their own, removed at
// the end. No worker runs unless BENCH_WORKER=1, so queued jobs wait in Redis.
// BENCH_RAW_CONNECTIONS (default: BENCH_CONNECTIONS and the API's pool size, e.g. "64,20")
// lists the raw SQL phase's concurrencies; each is run and the ratio is taken against the
// best of them (on two cores PostgreSQL does more with fewer connections). BENCH_RAW=0 skips it.
// BENCH_SCENARIOS picks groups (comma-separated): workflow (create, list, decide), reports
// (summary, dashboard, chart), exports (CSV and XLSX of a whole organization); default all.
// Reports run with BENCH_REPORT_CONNECTIONS (default 1), so their latency is a single
// request's, not a queue's.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { once } from 'node:events';
import { createServer } from 'node:net';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import pg from 'pg';
import { minimalCreateSpend } from './minimal-sql.mjs';
import {
  BENCH_AUDIT_KEY,
  rawContext,
  rawCreateSpend,
  rawDecision,
  rawListEmployee,
  rawListFinance,
} from './raw-sql.mjs';
import { databaseUrl, log, prepareDatabase, run, SERVER, sql } from './lib/bench-database.mjs';

const DATABASE = process.env.BENCH_DATABASE ?? 'spendin_bench';
const ORGS = Number(process.env.BENCH_ORGS ?? 50);
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? 'workflow,reports,exports').split(',').map((s) => s.trim()));
const REPORT_CONNECTIONS = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 1);
const SPENDS = Number(process.env.BENCH_SPENDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const RAW = process.env.BENCH_RAW !== '0';
const REDIS = process.env.BENCH_REDIS ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `bench-${process.env.BENCH_DATABASE ?? 'spendin_bench'}`;
// The API's own default pool (DATABASE_POOL_SIZE, 10). Measured on the 2-core machine with
// PostgreSQL beside the API: create-spend 83-92 req/s at 40 connections, 122-124 at 20,
// 143-161 at 10, 144-152 at 6; lists within the noise of each other.
const POOL = process.env.BENCH_POOL ?? '10';
const RAW_CONNECTIONS = [
  ...new Set((process.env.BENCH_RAW_CONNECTIONS ?? `${CONNECTIONS},${POOL}`).split(',').map(Number)),
];
const PASSWORD = 'bench-password-123';

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Organizations, people and spends, written with set-based SQL (the API would take hours). */
async function seed() {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
  const started = Date.now();
  await sql(databaseUrl(DATABASE), async (c) => {
    await c.query(
      `INSERT INTO organizations (name, base_currency) SELECT 'Bench ' || g, 'USD' FROM generate_series(1, $1) g`,
      [ORGS],
    );
    // Per organization: 1 admin, 2 finance, 4 managers, 40 employees reporting to the managers.
    await c.query(
      `
      INSERT INTO users (organization_id, email, full_name, role, password_hash)
      SELECT o.id, lower(r.role) || r.n || '.' || o.num || '@bench.test', initcap(r.role) || ' ' || r.n, r.role, $1
      FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS num FROM organizations) o
      CROSS JOIN (
        SELECT 'admin' AS role, 1 AS n UNION ALL SELECT 'finance', g FROM generate_series(1, 2) g
        UNION ALL SELECT 'manager', g FROM generate_series(1, 4) g UNION ALL SELECT 'employee', g FROM generate_series(1, 40) g
      ) r`,
      [hash],
    );
    await c.query(`
      UPDATE users e SET manager_id = m.id FROM users m
      WHERE e.role = 'employee' AND m.role = 'manager' AND m.organization_id = e.organization_id
        AND m.email = 'manager' || (1 + (split_part(split_part(e.email, '.', 1), 'employee', 2)::int % 4)) || '.' || split_part(split_part(e.email, '@', 1), '.', 2) || '@bench.test'`);
    await c.query(`INSERT INTO categories (organization_id, name, code) SELECT o.id, c.name, c.code FROM organizations o
      CROSS JOIN (VALUES ('Travel', '6400'), ('Meals', '6410'), ('Software', '6500'), ('Office', '6600')) c(name, code)`);
    await c.query(
      `INSERT INTO policies (organization_id, name, rules) SELECT id, 'HighValue', $1::jsonb FROM organizations`,
      [
        JSON.stringify([
          {
            id: 'big',
            condition: { amount_gt: 500 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 1,
          },
        ]),
      ],
    );
    await c.query(
      `INSERT INTO policy_versions (organization_id, policy_id, version, name, is_active, rules) SELECT organization_id, id, 1, name, true, rules FROM policies`,
    );
    await c.query(`
      CREATE TEMP TABLE bench_people AS
      SELECT organization_id, array_agg(id ORDER BY email) AS ids FROM users WHERE role = 'employee' GROUP BY organization_id`);
    await c.query(`
      CREATE TEMP TABLE bench_categories AS
      SELECT organization_id, array_agg(id ORDER BY name) AS ids FROM categories GROUP BY organization_id`);
    const perOrg = Math.floor(SPENDS / ORGS);
    await c.query(
      `
      INSERT INTO spends (organization_id, user_id, category_id, merchant, amount_minor, currency, base_amount_minor, base_currency,
                          exchange_rate, spend_date, source, status, flags, approval_round, submitted_at, decided_at, created_at)
      SELECT p.organization_id, p.ids[1 + (g % 40)], k.ids[1 + (g % 4)], 'Merchant ' || (g % 997),
             a.amount, 'USD', a.amount, 'USD', 1, current_date - (g % 730), 'manual',
             (ARRAY['approved', 'paid', 'paid', 'paid', 'rejected', 'pending_approval', 'cancelled'])[1 + (g % 7)], '{}', 1,
             now() - make_interval(days => g % 730), now() - make_interval(days => g % 730), now() - make_interval(days => g % 730)
      FROM bench_people p JOIN bench_categories k USING (organization_id)
      CROSS JOIN generate_series(1, $1) g
      CROSS JOIN LATERAL (SELECT (500 + (g::bigint * 7919) % 120000) AS amount) a`,
      [perOrg],
    );
    // As autovacuum would have by now: fresh visibility maps let counts use index-only scans.
    await c.query('VACUUM ANALYZE');
  });
  log(
    `seeded ${ORGS} organizations, ${SPENDS.toLocaleString('en')} spends in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function startApi() {
  const port = await freePort();
  const env = {
    DATABASE_URL: databaseUrl(DATABASE),
    PORT: String(port),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // Production refuses to start without them; bench-only values (raw-sql.mjs keys its chain entries with the same).
    AUDIT_KEY: BENCH_AUDIT_KEY,
    SECRETS_KEY: 'YmVuY2gtc2VjcmV0cy1rZXktYmVuY2gtc2VjcmV0cy0=',
    DATABASE_POOL_SIZE: POOL,
    // The bench sends thousands of requests a minute per user: it measures the API, not its rate limit.
    RATE_LIMIT_ENABLED: process.env.BENCH_RATE_LIMIT ?? 'false',
    ...(REDIS === 'off' ? {} : { REDIS_URL: REDIS, QUEUE_PREFIX }),
  };
  const api = run(
    process.execPath,
    [...(process.env.BENCH_API_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'dist/src/main.js'],
    env,
  );
  const worker =
    process.env.BENCH_WORKER === '1' && REDIS !== 'off'
      ? run(process.execPath, ['dist/src/worker.js'], env)
      : undefined;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, api, worker };
    } catch {
      /* not up yet */
    }
    if (api.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API did not start:\n${api.output()}`);
}

/** Removes the bench's queues from Redis (jobs nobody ran, since no worker was asked for). */
async function dropQueues() {
  if (REDIS === 'off') return;
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function login(url, email) {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** CPU time (user + system) a process has used so far, in ms (Linux). */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** Busy and total CPU time of the whole machine so far, in ms: what everyone on it used. */
function machineMs() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + ticks[4];
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
}

/**
 * Watches CPU and memory while a scenario runs: the API process (RSS sampled every 100 ms),
 * the PostgreSQL backends serving it (by pid), this process, and the machine as a whole
 * (other jobs on a shared machine show up as "other").
 */
function monitor({ apiPid, backendPids }) {
  const backends = new Map();
  const sampleBackends = async () => {
    for (const pid of await backendPids()) if (!backends.has(pid)) backends.set(pid, cpuMs(pid));
  };
  const start = { api: apiPid ? cpuMs(apiPid) : 0, self: process.cpuUsage(), machine: machineMs() };
  const rss = [];
  const timer = apiPid ? setInterval(() => rss.push(memory(apiPid).rss), 100) : undefined;
  const ready = sampleBackends();
  return {
    ready,
    async stop(requests) {
      clearInterval(timer);
      // Backends that connected during the run started from zero.
      for (const pid of await backendPids()) if (!backends.has(pid)) backends.set(pid, 0);
      const self = process.cpuUsage(start.self);
      const machine = machineMs();
      const used = {
        api: apiPid ? cpuMs(apiPid) - start.api : 0,
        db: [...backends].reduce((sum, [pid, before]) => sum + Math.max(0, cpuMs(pid) - before), 0),
        load: (self.user + self.system) / 1000,
      };
      const busy = machine.busy - start.machine.busy;
      const perRequest = (ms) => (requests > 0 ? ms / requests : NaN);
      return {
        cpu: {
          api: perRequest(used.api),
          db: perRequest(used.db),
          load: perRequest(used.load),
          other: perRequest(Math.max(0, busy - used.api - used.db - used.load)),
        },
        busy: busy / (machine.total - start.machine.total),
        rss: rss.length
          ? { max: Math.max(...rss), mean: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length) }
          : undefined,
      };
    },
  };
}

function formatRow(name, row, resources) {
  const cpu = resources.cpu;
  const rss = resources.rss ? `   API RSS max ${resources.rss.max} MB (mean ${resources.rss.mean})` : '';
  return (
    `${name.padEnd(31)} ${String(row['req/s']).padStart(6)} req/s   p50 ${row.p50.toFixed(1).padStart(6)} ms   p95 ${row.p95.toFixed(1).padStart(6)} ms   p99 ${row.p99.toFixed(1).padStart(6)} ms   errors ${row.errors}   ${JSON.stringify(row.statuses)}` +
    `\n${''.padEnd(31)} CPU ms/request: API ${cpu.api.toFixed(2)}, PostgreSQL ${cpu.db.toFixed(2)}, load generator ${cpu.load.toFixed(2)}, other ${cpu.other.toFixed(2)}; machine ${(resources.busy * 100).toFixed(0)}% busy${rss}`
  );
}

let api;

async function apiBackendPids(monitorClient) {
  const { rows } = await monitorClient.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'spendin'`,
    [DATABASE],
  );
  return rows.map((r) => r.pid);
}

async function scenario(name, options, monitorClient) {
  const latencies = [];
  const statuses = new Map();
  const watch = monitor({ apiPid: api.child.pid, backendPids: () => apiBackendPids(monitorClient) });
  await watch.ready;
  const instance = autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  instance.on('response', (_client, status, _bytes, time) => {
    latencies.push(time);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await instance;
  const resources = await watch.stop(latencies.length);
  latencies.sort((a, b) => a - b);
  const row = {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    errors: result.errors + result.timeouts + result.non2xx,
    statuses: Object.fromEntries(statuses),
  };
  log(formatRow(name, row, resources));
  return row;
}

/**
 * The raw SQL of a scenario through `pg`: `connections` clients each running `work` in a loop,
 * for SECONDS or until `amount` operations are done. Answers what `scenario` does.
 */
async function rawScenario(name, connections, work, { amount, label = RAW_LABEL } = {}) {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl(DATABASE), application_name: 'spendin-raw' });
      await client.connect();
      return client;
    }),
  );
  const latencies = [];
  let errors = 0;
  let started = 0;
  let firstError;
  const watch = monitor({ backendPids: async () => clients.map((c) => c.processID) });
  await watch.ready;
  const begin = performance.now();
  const deadline = begin + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline && (amount === undefined || started < amount)) {
        const n = started++;
        const t0 = performance.now();
        try {
          await work(client, n);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const elapsed = (performance.now() - begin) / 1000;
  const resources = await watch.stop(latencies.length + errors);
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  const row = {
    scenario: name,
    connections,
    'req/s': Math.round(latencies.length / elapsed),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    requests: latencies.length,
    errors,
    statuses: {},
  };
  log(formatRow(`${name} [${label}, ${connections} conn.]`, row, resources));
  if (firstError) log(`${''.padEnd(31)} first raw error: ${firstError.message}`);
  return row;
}

/**
 * Runs a scenario's raw SQL at each of RAW_CONNECTIONS and answers the best run. `items`, when
 * given, are used up one per operation (approvals to decide), shared out between the runs.
 */
async function raw(name, work, { items, label } = {}) {
  if (!RAW) return undefined;
  let best;
  for (const [i, connections] of RAW_CONNECTIONS.entries()) {
    const share = items?.slice(
      Math.floor((i * items.length) / RAW_CONNECTIONS.length),
      Math.floor(((i + 1) * items.length) / RAW_CONNECTIONS.length),
    );
    const row = share
      ? await rawScenario(`${name} (${share.length})`, connections, (c, n) => work(c, share[n]), {
          amount: share.length,
          label,
        })
      : await rawScenario(name, connections, work, { label });
    if (!best || row['req/s'] > best['req/s']) best = row;
  }
  return best;
}

/** The two yardsticks' labels in the output. */
const RAW_LABEL = "API's statements via pg";
const MINIMAL_LABEL = 'limit: minimal hand-written SQL';

function ratio(apiRow, rawRow, minimalRow) {
  const share = (row, what) =>
    log(
      `${''.padEnd(31)} API / ${what} (${row.connections} conn.): ${apiRow['req/s']} / ${row['req/s']} = ${row['req/s'] > 0 ? `${((100 * apiRow['req/s']) / row['req/s']).toFixed(0)}%` : 'n/a'}`,
    );
  if (rawRow) share(rawRow, `best rate of the ${RAW_LABEL}`);
  if (minimalRow) share(minimalRow, `best rate of the ${MINIMAL_LABEL}`);
}

async function main() {
  log(
    `bench:api — ${SPENDS.toLocaleString('en')} spends in ${ORGS} organization${ORGS === 1 ? '' : 's'}, ${CONNECTIONS} connections (reports ${REPORT_CONNECTIONS}), ${SECONDS} s per scenario, server ${new URL(SERVER).host}`,
  );
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; API pool ${POOL}, Redis ${REDIS === 'off' ? 'off (jobs run in the API)' : `on${process.env.BENCH_WORKER === '1' ? ', with a worker' : ', no worker'}`}`,
  );
  await prepareDatabase(DATABASE);
  await seed();
  const started = await startApi();
  ({ api, worker } = started);
  const monitorClient = new pg.Client({
    connectionString: databaseUrl(DATABASE),
    application_name: 'spendin-bench-monitor',
  });
  await monitorClient.connect();
  try {
    const { url } = started;
    const employee = await login(url, 'employee1.1@bench.test');
    const finance = await login(url, 'finance1.1@bench.test');
    const manager = await login(url, 'manager2.1@bench.test');
    const auth = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const today = new Date().toISOString().slice(0, 10);

    if (SCENARIOS.has('workflow')) await workflow(url, { employee, finance, manager, auth, today, monitorClient });
    if (SCENARIOS.has('reports')) await reports(url, { finance, manager, auth, today, monitorClient });
    if (SCENARIOS.has('exports')) await exports(url, api, { finance, auth });
    log(
      `API peak RSS over the whole run: ${memory(api.child.pid).peak} MB; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
  } finally {
    await monitorClient.end();
    for (const process of [api, worker]) {
      if (!process) continue;
      process.child.kill('SIGTERM');
      await once(process.child, 'exit');
    }
    await dropQueues();
  }
}

let worker;

async function workflow(url, { employee, finance, manager, auth, today, monitorClient }) {
  const ctx = await rawContext(monitorClient, {
    employee: 'employee1.1@bench.test',
    manager: 'manager2.1@bench.test',
    finance: 'finance1.1@bench.test',
  });
  // Each workflow scenario runs on the same data: first its SQL straight through pg, then the API.
  // Lists come first, on the seeded database: after the creates, an organization holds
  // thousands of new spends whose pages are not yet all-visible, and counting them costs heap
  // fetches in proportion to how fast the creates ran (a faster API would get a harder list).
  const rawFinance = await raw('list-spends (finance, org)', (c) => rawListFinance(c, ctx));
  ratio(
    await scenario(
      'list-spends (finance, org)',
      { url: `${url}/api/v1/spends?limit=20`, method: 'GET', headers: auth(finance) },
      monitorClient,
    ),
    rawFinance,
  );
  const rawEmployee = await raw('list-spends (employee)', (c) => rawListEmployee(c, ctx));
  ratio(
    await scenario(
      'list-spends (employee)',
      { url: `${url}/api/v1/spends?limit=20`, method: 'GET', headers: auth(employee) },
      monitorClient,
    ),
    rawEmployee,
  );

  const rawPending = [];
  const rawCreate = await raw('create-spend (650 USD)', async (c, n) =>
    rawPending.push(await rawCreateSpend(c, ctx, n)),
  );
  // The yardstick's steps are left out of the decisions: they would change the API's workload.
  const minimalSteps = [];
  const minimalCreate = await raw(
    'create-spend (650 USD)',
    async (c, n) => minimalSteps.push(await minimalCreateSpend(c, ctx, n)),
    { label: MINIMAL_LABEL },
  );
  let counter = 0;
  ratio(
    await scenario(
      'create-spend (650 USD)',
      {
        url: `${url}/api/v1/spends`,
        method: 'POST',
        headers: auth(employee),
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({
                amount: `${600 + (counter++ % 5000)}.00`,
                currency: 'USD',
                spend_date: today,
                merchant: `Bench ${counter}`,
              }),
            }),
          },
        ],
      },
      monitorClient,
    ),
    rawCreate,
    minimalCreate,
  );

  const rawDecisions =
    rawPending.length > 0
      ? await raw('decision', (c, approvalId) => rawDecision(c, ctx, approvalId), { items: rawPending })
      : undefined;
  const rawIds = new Set([...rawPending, ...minimalSteps]);
  const pending = (
    await monitorClient.query(
      `SELECT a.id FROM approvals a JOIN users u ON u.id = a.approver_user_id WHERE u.email = 'manager2.1@bench.test' AND a.status = 'pending' ORDER BY a.created_at`,
    )
  ).rows
    .map((r) => r.id)
    .filter((id) => !rawIds.has(id));
  if (pending.length === 0) throw new Error('create-spend made no pending approvals to decide');
  let next = 0;
  ratio(
    await scenario(
      `decision (${pending.length} pending)`,
      {
        url,
        method: 'POST',
        headers: auth(manager),
        amount: pending.length,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              path: `/api/v1/approvals/${pending[next++ % pending.length]}/decision`,
              body: JSON.stringify({ approved: true }),
            }),
          },
        ],
      },
      monitorClient,
    ),
    rawDecisions,
  );
}

/** Summary and dashboard over a whole organization's spends (all of them with BENCH_ORGS=1). */
async function reports(url, { finance, manager, auth, today, monitorClient }) {
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const get = (name, path, token) =>
    scenario(
      name,
      { url: `${url}/api/v1${path}`, method: 'GET', headers: auth(token), connections: REPORT_CONNECTIONS },
      monitorClient,
    );
  await get('summary by category (finance)', '/reports/summary?group_by=category', finance);
  await get('summary by month (finance)', '/reports/summary?group_by=month', finance);
  await get('summary by user, 1 year (fin.)', `/reports/summary?group_by=user&from=${yearAgo}&to=${today}`, finance);
  await get('summary by month (manager)', '/reports/summary?group_by=month', manager);
  await get('dashboard (finance)', '/reports/dashboard', finance);
  await get('dashboard, 1 year (finance)', `/reports/dashboard?from=${yearAgo}&to=${today}`, finance);
  await get('dashboard (manager)', '/reports/dashboard', manager);
  await get('chart.png by month (finance)', '/reports/chart.png?group_by=month', finance);
}

/** One download of everything finance sees, streamed: its time, size and the API's peak memory. */
async function exports(url, api, { finance, auth }) {
  for (const format of ['csv', 'xlsx', 'journal_csv']) {
    const before = memory(api.child.pid);
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/reports/export?format=${format}`, { headers: auth(finance) });
    if (response.status === 422) {
      log(`${`export ${format} (finance, org)`.padEnd(31)} refused: ${(await response.json()).detail}`);
      continue;
    }
    if (!response.ok) throw new Error(`export ${format}: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      if (format !== 'xlsx') for (const byte of chunk) if (byte === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    const after = memory(api.child.pid);
    log(
      `${`export ${format} (finance, org)`.padEnd(31)} ${seconds.toFixed(1).padStart(6)} s   ${(bytes / 1e6).toFixed(1)} MB${format === 'xlsx' ? '' : `   ${(lines - 1).toLocaleString('en')} rows`}` +
        `   API RSS ${before.rss} → ${after.rss} MB, peak ${before.peak} → ${after.peak} MB`,
    );
  }
}

/** The API process's resident memory now and its peak so far, in MB (Linux). */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024);
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
