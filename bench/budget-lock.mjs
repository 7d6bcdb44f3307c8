#!/usr/bin/env node
// Benchmark of submissions under an organization-wide budget rule: every submission of the
// organization takes the budget's advisory lock and, under it, sums the budget's period (the
// consumption) and the owner's and team's totals. Seeds BENCH_SPENDS (default 30,000) counted
// spends of one organization over the current year into a fresh database with set-based SQL,
// a yearly organization budget and a `budget_remaining_lt: 0` block rule; then
//   1. EXPLAIN (ANALYZE, BUFFERS) of both statements, with the covering index and without it
//      (dropped and recreated inside a rolled-back transaction);
//   2. starts the built API and submits BENCH_SUBMISSIONS spends (default 200) from
//      BENCH_CLIENTS concurrent clients (default 8), each a different employee: submissions/s.
//
//   npm run bench:budget-lock             # DATABASE_URL or PostgreSQL at 127.0.0.1:5432
//   BENCH_SPENDS=100000 npm run bench:budget-lock
//
// BENCH_DATABASE names the database it drops and seeds (default spendin_bench_budget_lock);
// BENCH_WITHOUT_INDEX=1 drops the covering index before the submissions (for a before/after).
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import argon2 from 'argon2';
import { databaseUrl, log, prepareDatabase, run, sql } from './lib/bench-database.mjs';

const DATABASE = process.env.BENCH_DATABASE ?? 'spendin_bench_budget_lock';
const SPENDS = Number(process.env.BENCH_SPENDS ?? 30_000);
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 200);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const PASSWORD = 'bench-password-123';
const YEAR = new Date().getUTCFullYear();
const TODAY = new Date().toISOString().slice(0, 10);
const WITHOUT_INDEX = process.env.BENCH_WITHOUT_INDEX === '1';

/** One organization: an admin, 40 employees in one team, a yearly organization budget, a block rule, the spends. */
async function seed() {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
  return sql(databaseUrl(DATABASE), async (c) => {
    const {
      rows: [org],
    } = await c.query(`INSERT INTO organizations (name, base_currency) VALUES ('Bench', 'USD') RETURNING id`);
    await c.query(
      `INSERT INTO users (organization_id, email, full_name, role, password_hash)
       SELECT $1, r.role || r.n || '@bench-budget.test', initcap(r.role) || ' ' || r.n, r.role, $2
       FROM (SELECT 'admin' AS role, 1 AS n UNION ALL SELECT 'employee', g FROM generate_series(1, 40) g) r`,
      [org.id, hash],
    );
    const rules = [{ id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over' } }];
    await c.query(`INSERT INTO policies (organization_id, name, rules) VALUES ($1, 'Budget', $2::jsonb)`, [
      org.id,
      JSON.stringify(rules),
    ]);
    await c.query(
      `INSERT INTO policy_versions (organization_id, policy_id, version, name, is_active, rules)
       SELECT organization_id, id, 1, name, true, rules FROM policies`,
    );
    await c.query(
      `INSERT INTO budgets (organization_id, name, scope, period, amount_minor, currency, created_by)
       SELECT $1, 'Organization', 'organization', 'year', 99999999999900, 'USD', u.id FROM users u WHERE u.role = 'admin'`,
      [org.id],
    );
    // Counted spends over the year to date (approved, paid, pending), a sixth rejected or drafts.
    await c.query(
      `INSERT INTO spends (organization_id, user_id, merchant, amount_minor, currency, base_amount_minor, base_currency,
                           exchange_rate, spend_date, source, status, flags, receipt_count, approval_round, submitted_at)
       SELECT $1, p.ids[1 + (g % 40)], 'Merchant ' || (g % 997), 1000 + g % 5000, 'USD', 1000 + g % 5000, 'USD', 1,
              make_date($3, 1, 1) + (g % GREATEST(1, current_date - make_date($3, 1, 1))), 'manual',
              (ARRAY['approved', 'paid', 'pending_approval', 'approved', 'paid', 'rejected'])[1 + (g % 6)], '{}', 0, 1, now()
       FROM (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE role = 'employee') p, generate_series(1, $2) g`,
      [org.id, SPENDS, YEAR],
    );
    await c.query('VACUUM ANALYZE');
    const {
      rows: [ids],
    } = await c.query(
      `SELECT (SELECT id FROM budgets) AS budget, (SELECT id FROM users WHERE role = 'employee' ORDER BY email LIMIT 1) AS user_id`,
    );
    return { organizationId: org.id, ...ids };
  });
}

/** The two statements the submission runs under the budget's lock, as the repositories send them. */
const CONSUMPTION = `WITH w AS (SELECT * FROM unnest($2::uuid[], $3::date[], $4::date[], $5::date[], $6::date[]) AS w(id, starts_on, ends_on, prev_start, prev_end))
  SELECT w.id,
    COALESCE(SUM(s.base_amount_minor) FILTER (WHERE s.status IN ('approved', 'paid') AND s.spend_date BETWEEN w.starts_on AND w.ends_on), 0)::text AS spent,
    COALESCE(SUM(s.base_amount_minor) FILTER (WHERE s.status = 'pending_approval' AND s.spend_date BETWEEN w.starts_on AND w.ends_on), 0)::text AS committed
  FROM w JOIN budgets b ON b.organization_id = $1 AND b.id = w.id
  LEFT JOIN spends s ON s.organization_id = $1 AND s.id IS DISTINCT FROM NULL::uuid AND s.base_currency = b.currency
    AND s.status IN ('pending_approval', 'approved', 'paid') AND s.spend_date BETWEEN COALESCE(w.prev_start, w.starts_on) AND w.ends_on
    AND CASE b.scope WHEN 'team' THEN s.team_id = b.team_id WHEN 'category' THEN s.category_id = b.category_id
          WHEN 'user' THEN s.user_id = b.user_id ELSE true END
  GROUP BY w.id, w.prev_start`;
const TOTALS = `SELECT COALESCE(SUM(base_amount_minor) FILTER (WHERE spend_date BETWEEN $3::date AND $4::date), 0)::text,
    COUNT(*) FILTER (WHERE lower(btrim(merchant)) = 'merchant 1')::text
  FROM spends WHERE organization_id = $1 AND base_currency = 'USD' AND status IN ('pending_approval', 'approved', 'paid')
    AND user_id = $2 AND spend_date BETWEEN $3::date - 30 AND $4::date + 30`;

async function explainBoth(ids) {
  const params = {
    consumption: [ids.organizationId, [ids.budget], [`${YEAR}-01-01`], [`${YEAR}-12-31`], [null], [null]],
    totals: [ids.organizationId, ids.user_id, `${TODAY.slice(0, 7)}-01`, TODAY],
  };
  const explain = async (c, text, values) => {
    const rows = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)).rows.map((r) => r['QUERY PLAN']);
    const scan = rows.find((r) => /Scan/.test(r) && /spends/.test(r))?.trim() ?? '?';
    const heap = rows.find((r) => /Heap Fetches/.test(r))?.trim() ?? '';
    const time = rows.find((r) => /Execution Time/.test(r))?.trim() ?? '';
    // EXPLAIN ANALYZE times every row; the plain statement's median is what a submission waits for.
    const ms = [];
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      await c.query(text, values);
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    return `${scan} | ${heap} | ${time} | plain: median ${ms[10].toFixed(1)} ms of 21 runs`;
  };
  await sql(databaseUrl(DATABASE), async (c) => {
    for (const name of ['consumption', 'totals']) {
      const text = name === 'consumption' ? CONSUMPTION : TOTALS;
      for (let i = 0; i < 3; i++) await c.query(text, params[name]); // warm the cache
      log(`${name}, with spends_counted_cover_idx: ${await explain(c, text, params[name])}`);
      await c.query('BEGIN');
      await c.query('DROP INDEX spends_counted_cover_idx');
      for (let i = 0; i < 3; i++) await c.query(text, params[name]);
      log(`${name}, without it:                 ${await explain(c, text, params[name])}`);
      await c.query('ROLLBACK');
    }
  });
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
    DATABASE_POOL_SIZE: String(CLIENTS + 2),
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

async function submissions(url) {
  const tokens = [];
  for (let n = 1; n <= CLIENTS; n++) {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `employee${n}@bench-budget.test`, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    tokens.push((await login.json()).access_token);
  }
  const submit = async (token, i) => {
    const response = await fetch(`${url}/api/v1/spends`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ amount: '12.34', currency: 'USD', spend_date: TODAY, merchant: `Bench ${i}` }),
    });
    if (response.status !== 201) throw new Error(`submit: ${response.status} ${await response.text()}`);
    const body = await response.json();
    if (body.status !== 'approved') throw new Error(`submit: ${body.status}`);
  };
  for (let i = 0; i < CLIENTS; i++) await submit(tokens[i], `warm ${i}`);
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      while (next < SUBMISSIONS) {
        const i = next++;
        const t0 = performance.now();
        await submit(token, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)].toFixed(0);
  log(
    `${SUBMISSIONS} submissions from ${CLIENTS} clients under the organization budget rule${WITHOUT_INDEX ? ' (without the covering index)' : ''}: ${(SUBMISSIONS / seconds).toFixed(1)}/s, latency median ${p(0.5)} ms, p95 ${p(0.95)} ms`,
  );
}

async function main() {
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  await prepareDatabase(DATABASE);
  const ids = await seed();
  log(`seeded ${SPENDS.toLocaleString('en')} spends (5/6 counted) in the year to date`);
  await explainBoth(ids);
  if (WITHOUT_INDEX) await sql(databaseUrl(DATABASE), (c) => c.query('DROP INDEX spends_counted_cover_idx'));
  const { url, api } = await startApi();
  try {
    await submissions(url);
  } finally {
    api.child.kill('SIGTERM');
    await once(api.child, 'exit');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
