import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_AUDIT_KEY, TEST_SECRETS_KEY } from './test-app';

const ROOT = join(__dirname, '..', '..');
/**
 * Children never write into the checkout's ./data (a generated JWT secret, say), and run in a
 * directory of their own, so that a developer's `.env` in the checkout does not reach them.
 */
const SCRATCH = mkdtempSync(join(tmpdir(), 'spendin-proc-'));

export interface SpawnOptions {
  /** The working directory, where the process looks for `.env` (default: an empty scratch directory). */
  cwd?: string;
  /** Run as this OS user (when the test runs as root), as a container's non-root user would. */
  uid?: number;
  gid?: number;
}

const spawnOptions = (options: SpawnOptions) => ({ cwd: options.cwd ?? SCRATCH, uid: options.uid, gid: options.gid });

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The process environment minus anything that would point a child at another database or bucket. */
export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: SCRATCH };
  for (const name of [
    'DATABASE_URL',
    'MIGRATE_ON_START',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'JWT_SECRET',
    'AUDIT_KEY',
    'AUDIT_PREVIOUS_KEYS',
    'SECRETS_KEY',
    'SECRETS_PREVIOUS_KEYS',
    'PORT',
  ])
    delete base[name];
  // Nor at a developer's own receipts bucket.
  for (const name of Object.keys(base)) if (name === 'RECEIPTS_STORAGE' || name.startsWith('S3_')) delete base[name];
  // The keys a deployment's processes share, the same as the suites' in-process apps (unless a test sets its own).
  const merged: NodeJS.ProcessEnv = {
    ...base,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    AUDIT_KEY: TEST_AUDIT_KEY,
    SECRETS_KEY: TEST_SECRETS_KEY,
    // The suites log in and call far more often per minute than a person; test/rate-limits sets its own limits.
    RATE_LIMIT_ENABLED: 'false',
    ...env,
  };
  // `undefined` unsets a variable, DATA_DIR say, for a test where it must come from a `.env`.
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/** Runs the built CLI (`dist/src/cli.js`) to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: SpawnOptions = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli.js'), ...args], {
    env: cleanEnv(env),
    ...spawnOptions(options),
  });
  return collect(child);
}

export interface RunningApi {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<Finished>;
}

/**
 * Starts the built API (`dist/src/main.js`) and resolves once it listens, or rejects with its
 * output. It gets a free PORT unless `env` names one; `PORT: ''` gives it none, for a port that
 * comes from a `.env`. The port it listens on is read off its start-up line.
 */
export async function startApi(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  options: SpawnOptions = {},
): Promise<RunningApi> {
  const { PORT: givenPort, ...rest } = env;
  const port = givenPort ?? String(await freePort());
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: cleanEnv(port === '' ? rest : { ...rest, PORT: port }),
    ...spawnOptions(options),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;
  while (!stdout.includes('Spendin API on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      // SIGTERM first: a SIGKILLed API would leave its embedded PostgreSQL running.
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      child.kill('SIGKILL');
      throw new Error(`API did not start (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const listening = Number(/Spendin API on http:\/\/[^:]+:(\d+)/.exec(stdout)?.[1]);
  return {
    child,
    port: listening,
    url: `http://127.0.0.1:${listening}`,
    output: () => stdout + stderr,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const [code] = await exited;
      return { code: code as number | null, stdout, stderr };
    },
  };
}

export interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<Finished>;
}

/** Starts the built queue worker (`dist/src/worker.js`) and resolves once it runs. */
export async function startWorker(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  options: SpawnOptions = {},
): Promise<RunningWorker> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/worker.js')], {
    env: cleanEnv(env),
    ...spawnOptions(options),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;
  while (!stdout.includes('Spendin worker running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output: () => stdout + stderr,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code] = child.exitCode !== null || child.signalCode !== null ? [child.exitCode] : await exited;
      return { code: code as number | null, stdout, stderr };
    },
  };
}

export async function runToExit(
  args: string[],
  env: Record<string, string | undefined>,
  options: SpawnOptions = {},
): Promise<Finished> {
  const child = spawn(
    process.execPath,
    args.map((a) => (a.startsWith('dist/') ? join(ROOT, a) : a)),
    { env: cleanEnv(env), ...spawnOptions(options) },
  );
  return collect(child);
}

async function collect(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
