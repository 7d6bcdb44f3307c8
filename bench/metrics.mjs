#!/usr/bin/env node
// What /metrics costs: starts the built API twice on one fresh database (METRICS_ENABLED=false,
// then true), drives GET /api/v1/users/me (bearer guard, one query) with autocannon for each,
// and times sequential scrapes of GET /metrics. No Redis (the queue look is then empty).
//
//   npm run build && node bench/metrics.mjs      # DATABASE_URL's server, or PostgreSQL at 127.0.0.1:5432
//   BENCH_SECONDS=20 BENCH_CONNECTIONS=32 node bench/metrics.mjs
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SCRAPES = 200;
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const database = 'spendin_bench_metrics';
const PASSWORD = 'bench-metrics-password-0123';

async function admin(sql) {
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startApi(env) {
  const url = new URL(server);
  url.pathname = `/${database}`;
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url.toString(),
      MIGRATE_ON_START: 'true',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'spendin-bench-metrics-')),
      PORT: '3917',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ORG_NAME: 'Bench',
      ADMIN_EMAIL: 'admin@bench.test',
      ADMIN_PASSWORD: PASSWORD,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch('http://127.0.0.1:3917/health')).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`API did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, stop: async () => (child.kill('SIGTERM'), await once(child, 'exit')) };
}

async function token() {
  const response = await fetch('http://127.0.0.1:3917/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@bench.test', password: PASSWORD }),
  });
  return (await response.json()).access_token;
}

async function load(accessToken) {
  const result = await autocannon({
    url: 'http://127.0.0.1:3917/api/v1/users/me',
    headers: { authorization: `Bearer ${accessToken}` },
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

await admin(`DROP DATABASE IF EXISTS ${database}`);
await admin(`CREATE DATABASE ${database}`);
try {
  for (const enabled of ['false', 'true']) {
    const api = await startApi({ METRICS_ENABLED: enabled });
    const accessToken = await token();
    await load(accessToken); // warm-up
    const figures = await load(accessToken);
    console.log(
      `METRICS_ENABLED=${enabled}: GET /users/me ${figures.rps} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, errors ${figures.errors}`,
    );
    if (enabled === 'true') {
      const times = [];
      let bytes = 0;
      for (let i = 0; i < SCRAPES; i += 1) {
        const started = process.hrtime.bigint();
        bytes = (await (await fetch('http://127.0.0.1:3917/metrics')).text()).length;
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
      console.log(`GET /metrics x${SCRAPES}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, ${bytes} bytes`);
    }
    await api.stop();
  }
} finally {
  await admin(`DROP DATABASE IF EXISTS ${database}`);
}
