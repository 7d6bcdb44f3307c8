#!/usr/bin/env node
// Benchmark of POST /policies/backtest: seeds 100,000 submitted spends of one organization
// over the last year into a fresh database with set-based SQL, starts the built API against it
// as its own process, and times a backtest of the whole year through HTTP (one warm-up, then
// BENCH_RUNS runs, default 5): median and p95. As a yardstick it times one raw SQL SELECT,
// through `pg`, of the same columns the backtest reads (its keyset page without the limit), so
// the engine's cost shows beside pure I/O.
//
//   npm run bench:backtest                 # DATABASE_URL or PostgreSQL at 127.0.0.1:5432
//   BENCH_SPENDS=20000 BENCH_RUNS=3 npm run bench:backtest
//
// BENCH_DATABASE names the database it drops and seeds (default spendin_bench_backtest). The
// API runs without Redis (it then runs its jobs itself; a backtest queues none).
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import argon2 from 'argon2';
import { databaseUrl, log, prepareDatabase, run, sql } from './lib/bench-database.mjs';

const DATABASE = process.env.BENCH_DATABASE ?? 'spendin_bench_backtest';
const SPENDS = Number(process.env.BENCH_SPENDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PASSWORD = 'bench-password-123';
const ADMIN = 'admin@bench-backtest.test';

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PERIOD = { from: day(-365), to: day(0) };

/** One organization: an admin, 2 finance, 4 managers, 40 employees reporting to them, 4 categories, 1 policy, the spends. */
async function seed() {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
  const started = Date.now();
  await sql(databaseUrl(DATABASE), async (c) => {
    const {
      rows: [org],
    } = await c.query(`INSERT INTO organizations (name, base_currency) VALUES ('Bench', 'USD') RETURNING id`);
    await c.query(
      `INSERT INTO users (organization_id, email, full_name, role, password_hash)
       SELECT $1, CASE WHEN r.role = 'admin' THEN $3 ELSE r.role || r.n || '@bench-backtest.test' END, initcap(r.role) || ' ' || r.n, r.role, $2
       FROM (SELECT 'admin' AS role, 1 AS n UNION ALL SELECT 'finance', g FROM generate_series(1, 2) g
             UNION ALL SELECT 'manager', g FROM generate_series(1, 4) g UNION ALL SELECT 'employee', g FROM generate_series(1, 40) g) r`,
      [org.id, hash, ADMIN],
    );
    await c.query(
      `UPDATE users e SET manager_id = m.id FROM users m
       WHERE e.role = 'employee' AND m.role = 'manager'
         AND m.email = 'manager' || (1 + split_part(split_part(e.email, '@', 1), 'employee', 2)::int % 4) || '@bench-backtest.test'`,
    );
    await c.query(
      `INSERT INTO categories (organization_id, name, code)
       SELECT $1, c.name, c.code FROM (VALUES ('Travel', '6400'), ('Meals', '6410'), ('Software', '6500'), ('Office', '6600')) c(name, code)`,
      [org.id],
    );
    const rules = [
      {
        id: 'big',
        condition: { amount_gt: 500 },
        action: { type: 'require_approval', approver: 'manager' },
        priority: 1,
      },
    ];
    await c.query(`INSERT INTO policies (organization_id, name, rules) VALUES ($1, 'HighValue', $2::jsonb)`, [
      org.id,
      JSON.stringify(rules),
    ]);
    await c.query(
      `INSERT INTO policy_versions (organization_id, policy_id, version, name, is_active, rules)
       SELECT organization_id, id, 1, name, true, rules FROM policies`,
    );
    await c.query(
      `INSERT INTO spends (organization_id, user_id, category_id, merchant, amount_minor, currency, base_amount_minor, base_currency,
                           exchange_rate, spend_date, source, status, flags, receipt_count, approval_round, submitted_at, created_at)
       SELECT $1, p.ids[1 + (g % 40)], k.ids[1 + (g % 4)], 'Merchant ' || (g % 997), a.amount, 'USD', a.amount, 'USD', 1,
              current_date - (g % 365), 'manual',
              (ARRAY['approved', 'paid', 'paid', 'rejected', 'pending_approval', 'blocked'])[1 + (g % 6)], '{}', g % 2, 1,
              now() - make_interval(days => g % 365), now() - make_interval(days => g % 365)
       FROM (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE role = 'employee') p,
            (SELECT array_agg(id ORDER BY name) AS ids FROM categories) k,
            generate_series(1, $2) g,
            LATERAL (SELECT (500 + (g::bigint * 7919) % 120000) AS amount) a`,
      [org.id, SPENDS],
    );
    // Budgets for the aggregate run: the organization's, monthly, and one per category, quarterly with rollover.
    await c.query(
      `INSERT INTO budgets (organization_id, name, scope, period, amount_minor, currency, created_by, created_at)
       SELECT $1, 'Organization', 'organization', 'month', 500000000, 'USD', u.id, now() - interval '2 years'
         FROM users u WHERE u.organization_id = $1 AND u.role = 'admin'`,
      [org.id],
    );
    await c.query(
      `INSERT INTO budgets (organization_id, name, scope, category_id, period, amount_minor, currency, rollover, created_by, created_at)
       SELECT $1, 'Category ' || k.name, 'category', k.id, 'quarter', 300000000, 'USD', true, u.id, now() - interval '2 years'
         FROM categories k, users u WHERE k.organization_id = $1 AND u.organization_id = $1 AND u.role = 'admin'`,
      [org.id],
    );
    await c.query('VACUUM ANALYZE');
  });
  log(`seeded ${SPENDS.toLocaleString('en')} spends in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function startApi() {
  const port = await freePort();
  const api = run(process.execPath, ['dist/src/main.js'], {
    DATABASE_URL: databaseUrl(DATABASE),
    PORT: String(port),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    AUDIT_KEY: 'bench-audit-key-that-is-long-enough-0123456789abcdef',
    SECRETS_KEY: 'YmVuY2gtc2VjcmV0cy1rZXktYmVuY2gtc2VjcmV0cy0=',
    REDIS_URL: undefined,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, api };
    } catch {
      /* not up yet */
    }
    if (api.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API did not start:\n${api.output()}`);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`;
};

/** The columns the backtest's keyset page reads, for the whole period in one statement. */
const YARDSTICK = `SELECT s.id, s.user_id, s.team_id, s.category_id, s.vendor_id, s.merchant, s.description,
       s.amount_minor::text, s.currency, s.base_amount_minor::text, s.base_currency, s.spend_date::text, s.source,
       s.computation, s.system_flags, s.receipt_count, s.receipt_verified, s.submitted_at, u.role, c.name
  FROM spends s
  LEFT JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
  LEFT JOIN categories c ON c.organization_id = s.organization_id AND c.id = s.category_id AND c.is_active
 WHERE s.organization_id = $1 AND s.spend_date BETWEEN $2::date AND $3::date
   AND s.status = ANY('{pending_approval,approved,paid,rejected,blocked}'::text[])
 ORDER BY s.spend_date, s.id`;

async function main() {
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  await prepareDatabase(DATABASE);
  await seed();
  const { url, api } = await startApi();
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const token = (await login.json()).access_token;
    const body = JSON.stringify({
      ...PERIOD,
      policy: {
        rules: [
          {
            id: 'finance-above-900',
            condition: { amount_gt: 900 },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 2,
          },
          { id: 'receipt', condition: { amount_gt: 50 }, action: { type: 'require_receipt' }, priority: 3 },
          {
            id: 'no-merchant-13',
            condition: { merchant_eq: 'Merchant 13' },
            action: { type: 'block', message: 'No' },
            priority: 0,
          },
        ],
      },
    });
    // The same period with a draft on the aggregate fields: the index of counted spends is built once.
    const aggregateBody = JSON.stringify({
      ...PERIOD,
      policy: {
        rules: [
          {
            id: 'budget-80',
            condition: { budget_used_pct_gt: 80 },
            action: { type: 'require_approval', approver: 'finance' },
          },
          {
            id: 'over',
            condition: { budget_remaining_lt: 0 },
            action: { type: 'block', message: 'Over budget' },
            priority: 0,
          },
          {
            id: 'month',
            condition: { user_category_total_month_gt: 20000 },
            action: { type: 'require_approval', approver: 'admin' },
          },
          { id: 'repeat', condition: { same_merchant_count_30d_gte: 2 }, action: { type: 'block', message: 'Again' } },
        ],
      },
    });
    const backtest = async (payload = body) => {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/policies/backtest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: payload,
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(`backtest: ${response.status} ${JSON.stringify(answer)}`);
      return { ms: performance.now() - started, answer };
    };
    const { answer } = await backtest(); // warm-up
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push((await backtest()).ms);
    log(
      `backtest of ${answer.spends_evaluated.toLocaleString('en')} spends (${answer.changed.count.toLocaleString('en')} changed): ${summary(times)}; server duration_ms ${answer.duration_ms}`,
    );
    const { answer: aggregateAnswer } = await backtest(aggregateBody); // warm-up
    const aggregateTimes = [];
    for (let i = 0; i < RUNS; i++) aggregateTimes.push((await backtest(aggregateBody)).ms);
    log(
      `backtest with aggregate fields of ${aggregateAnswer.spends_evaluated.toLocaleString('en')} spends (${aggregateAnswer.changed.count.toLocaleString('en')} changed): ${summary(aggregateTimes)}; server duration_ms ${aggregateAnswer.duration_ms}`,
    );
    const raw = await sql(databaseUrl(DATABASE), async (c) => {
      const {
        rows: [org],
      } = await c.query('SELECT id FROM organizations LIMIT 1');
      const ms = [];
      let rows = 0;
      for (let i = 0; i <= RUNS; i++) {
        const started = performance.now();
        rows = (await c.query(YARDSTICK, [org.id, PERIOD.from, PERIOD.to])).rowCount;
        if (i > 0) ms.push(performance.now() - started); // the first run warms the cache, as the backtest's did
      }
      return { ms, rows };
    });
    log(`yardstick: one raw SELECT of the same ${raw.rows.toLocaleString('en')} rows and columns: ${summary(raw.ms)}`);
  } finally {
    api.child.kill('SIGTERM');
    await once(api.child, 'exit');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
