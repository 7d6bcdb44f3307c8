import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Children never write into the checkout's ./data (a generated JWT secret, say). */
const SCRATCH = mkdtempSync(join(tmpdir(), 'spendin-proc-'));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The process environment minus anything that would point a child at another database or bucket. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: SCRATCH };
  for (const name of ['DATABASE_URL', 'MIGRATE_ON_START', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'JWT_SECRET', 'PORT']) delete base[name];
  // Nor at a developer's own receipts bucket.
  for (const name of Object.keys(base)) if (name === 'RECEIPTS_STORAGE' || name.startsWith('S3_')) delete base[name];
  return { ...base, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env };
}

/** Runs the built CLI (`dist/src/cli.js`) to completion. */
export async function runCli(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli.js'), ...args], { env: cleanEnv(env), cwd: ROOT });
  return collect(child);
}

export interface RunningApi {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<Finished>;
}

/** Starts the built API (`dist/src/main.js`) and resolves once it listens, or rejects with its output. */
export async function startApi(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningApi> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], { env: cleanEnv({ PORT: String(port), ...env }), cwd: ROOT });
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
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
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
export async function startWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningWorker> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/worker.js')], { env: cleanEnv(env), cwd: ROOT });
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

export async function runToExit(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = spawn(process.execPath, args.map((a) => (a.startsWith('dist/') ? join(ROOT, a) : a)), { env: cleanEnv(env), cwd: ROOT });
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
