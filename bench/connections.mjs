#!/usr/bin/env node
// 10,000 idle keep-alive connections: starts the built API as its own process (as bench/api.mjs
// does) on a database of its own, opens BENCH_SOCKETS (10,000) connections to it, sends one
// request on each and leaves them idle for BENCH_IDLE_SECONDS (10; Node's own keep-alive
// timeout, which Spendin replaces with HTTP_KEEP_ALIVE_TIMEOUT_MS, is 5 s), checks that every one
// is still open and still answers, then sends BENCH_RATE (50) list requests a second, evenly
// spaced, each on a new connection, for BENCH_SECONDS (20) while the idle ones stay open, and
// prints their p50/p99 and the API's resident memory before and after (memory per connection =
// the growth over the sockets).
//
//   ulimit -n 25000 && npm run bench:connections    # DATABASE_URL or PostgreSQL at 127.0.0.1:5432
//
// Both this process and the API hold one descriptor per connection, so the open-file limit
// (`ulimit -n`, inherited by the API) must exceed BENCH_SOCKETS plus a few hundred. BENCH_DATABASE
// (default spendin_bench_connections) is dropped and created. BENCH_WEB_CONCURRENCY starts the API
// with that WEB_CONCURRENCY (memory is then the sum over its processes).
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = process.env.BENCH_DATABASE ?? 'spendin_bench_connections';
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PASSWORD = 'bench-password-123';
const EMAIL = 'admin@connections.bench';
const log = (line) => process.stdout.write(`${line}\n`);

const databaseUrl = (name) => {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
};

function openFileLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

function run(args, env) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return { child, output: () => output };
}

async function runToEnd(args, env) {
  const task = run(args, env);
  const [code] = await once(task.child, 'exit');
  if (code !== 0) throw new Error(`${args.join(' ')} failed:\n${task.output()}`);
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Resident memory of the API (and of its cluster's processes), in KiB (Linux). */
function rssKiB(pid) {
  const own = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    /* no children */
  }
  return own + children.reduce((sum, child) => sum + rssKiB(Number(child)), 0);
}

function request(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    get(url, { agent: false, headers }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    }).on('error', reject);
  });
}

/** One kept-alive connection: a request, its answer, then idle. Resolves once answered. */
function idleConnection(port, sockets) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const entry = { socket, closed: false, answers: 0, buffer: '' };
    socket.setEncoding('utf8');
    socket.on('error', (error) => {
      entry.closed = true;
      reject(error);
    });
    socket.on('close', () => (entry.closed = true));
    socket.on('data', (chunk) => {
      entry.buffer += chunk;
      // GET /health answers a small fixed body: count complete answers by their status line.
      const answers = entry.buffer.split('HTTP/1.1 200').length - 1;
      if (answers > entry.answers) {
        entry.answers = answers;
        resolve(entry);
      }
    });
    socket.on('connect', () => socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    sockets.push(entry);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The holder process (`connections.mjs hold PORT`): opens the idle connections and answers the main process about them. */
async function hold(port) {
  const sockets = [];
  process.on('message', async (question) => {
    try {
      if (question === 'open') {
        const started = Date.now();
        for (let i = 0; i < SOCKETS; i += 500) {
          const batch = [];
          for (let j = i; j < Math.min(SOCKETS, i + 500); j++) batch.push(idleConnection(port, sockets));
          await Promise.all(batch);
        }
        process.send({ seconds: (Date.now() - started) / 1000 });
      } else if (question === 'check') {
        const closed = sockets.filter((s) => s.closed).length;
        // The idle connections still answer: a second request on 1 in 20 of them.
        const sample = sockets.filter((_, i) => i % 20 === 0);
        const answers = await Promise.all(sample.map((entry) => askAgain(entry, port)));
        process.send({ closed, sampled: sample.length, answered: answers.filter(Boolean).length });
      } else if (question === 'count') {
        process.send({ closed: sockets.filter((s) => s.closed).length });
      } else {
        for (const entry of sockets) entry.socket.destroy();
        process.exit(0);
      }
    } catch (error) {
      const advice =
        error.code === 'EMFILE' || error.code === 'ENFILE'
          ? ` after ${sockets.length} connections: raise \`ulimit -n\` (see docs/performance.md)`
          : '';
      process.send({ error: `${error.code ?? error.message}${advice}` });
    }
  });
}

function askAgain(entry, port) {
  return new Promise((resolve) => {
    if (entry.closed) return resolve(false);
    const timer = setTimeout(() => resolve(false), 10_000);
    entry.socket.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    entry.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

async function main() {
  const limit = openFileLimit();
  if (!(limit > SOCKETS + 500)) {
    log(`The open-file limit is ${limit}: ${SOCKETS} connections need more than ${SOCKETS + 500} descriptors in this`);
    log(`process and in the API. Raise it first, e.g. \`ulimit -n ${SOCKETS * 2 + 1000}\` (see docs/performance.md).`);
    process.exit(2);
  }
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const env = {
    DATABASE_URL: databaseUrl(DATABASE),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    AUDIT_KEY: 'YmVuY2gtYXVkaXQta2V5LWJlbmNoLWF1ZGl0LWtleS0=',
    SECRETS_KEY: 'YmVuY2gtc2VjcmV0cy1rZXktYmVuY2gtc2VjcmV0cy0=',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ENABLED: 'false',
    REDIS_URL: '',
    ...(process.env.BENCH_WEB_CONCURRENCY ? { WEB_CONCURRENCY: process.env.BENCH_WEB_CONCURRENCY } : {}),
  };
  await runToEnd(['dist/src/cli.js', 'migrate'], env);
  await runToEnd(
    ['dist/src/cli.js', 'bootstrap', '--org', 'Connections', '--email', EMAIL, '--password', PASSWORD],
    env,
  );
  const port = await freePort();
  const api = run(['dist/src/main.js'], { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (api.child.exitCode !== null || i > 600) throw new Error(`API did not start:\n${api.output()}`);
      if ((await request(`${url}/health`).catch(() => ({ status: 0 }))).status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const auth = { authorization: `Bearer ${(await login.json()).access_token}` };
    const today = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < 100; i++) {
      const created = await fetch(`${url}/api/v1/spends`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: `${10 + i}.00`, currency: 'USD', spend_date: today, merchant: `Bench ${i}` }),
      });
      if (!created.ok) throw new Error(`create spend: ${created.status} ${await created.text()}`);
    }
    const list = `${url}/api/v1/spends?limit=20`;
    // Warm up the list path, so the memory before is that of a serving API.
    for (let i = 0; i < 200; i++) await request(list, auth);
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssKiB(api.child.pid);

    // The idle connections live in a process of their own, so that the one measuring the list
    // page's latency is not slowed by 10,000 sockets of its own (their buffers, its collector).
    const holder = fork(fileURLToPath(import.meta.url), ['hold', String(port)], { stdio: 'inherit' });
    const ask = async (question) => {
      holder.send(question);
      const [answer] = await once(holder, 'message');
      if (answer.error) throw new Error(answer.error);
      return answer;
    };
    const { seconds } = await ask('open');
    log(`opened ${SOCKETS} keep-alive connections (one request each) in ${seconds.toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = rssKiB(api.child.pid);
    const { closed: closedAfterIdle, sampled, answered } = await ask('check');
    log(`after ${IDLE_SECONDS} s idle: ${SOCKETS - closedAfterIdle} open, ${closedAfterIdle} closed by the server`);
    log(`a second request on ${sampled} of them: ${answered} answered`);

    const latencies = [];
    const failures = [];
    const pending = [];
    const start = performance.now();
    const total = RATE * SECONDS;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        request(list, auth).then(
          ({ status, ms }) => (status === 200 ? latencies.push(ms) : failures.push(status)),
          (error) => failures.push(error.code ?? String(error)),
        ),
      );
    }
    await Promise.all(pending);
    const after = rssKiB(api.child.pid);
    const { closed: closedAtEnd } = await ask('count');
    const stillOpen = SOCKETS - closedAtEnd;
    latencies.sort((a, b) => a - b);
    log(
      `GET /api/v1/spends?limit=20 at ${RATE}/s for ${SECONDS} s beside them: ${latencies.length} ok, ${failures.length} failed, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`,
    );
    log(`idle connections still open after the load: ${stillOpen} of ${SOCKETS}`);
    const mb = (kib) => (kib / 1024).toFixed(0);
    log(
      `API resident memory: ${mb(before)} MB before, ${mb(idle)} MB with ${SOCKETS} idle connections, ${mb(after)} MB after the load; ` +
        `${(((idle - before) * 1024) / SOCKETS / 1024).toFixed(1)} KiB per connection`,
    );
    holder.send('exit');
    if (closedAfterIdle > 0 || failures.length > 0 || stillOpen < SOCKETS) process.exitCode = 1;
  } finally {
    api.child.kill('SIGTERM');
    await once(api.child, 'exit');
    const cleanup = new pg.Client({ connectionString: SERVER });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await cleanup.end();
  }
}

(process.argv[2] === 'hold' ? hold(Number(process.argv[3])) : main()).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
