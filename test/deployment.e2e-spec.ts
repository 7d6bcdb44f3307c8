import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { rolesSql } from './helpers/database-roles';
import { eventually } from './helpers/eventually';
import { PrivateRedis } from './helpers/private-redis';
import { freePort, runCli, RunningApi, RunningWorker, SpawnOptions, startApi, startWorker } from './helpers/processes';
import { TestS3Server } from './helpers/s3-server';
import { databaseUrl, SERVER_ENV, withClient } from './setup/database-urls';

const ROOT = join(__dirname, '..');
const RECEIPT = readFileSync(join(ROOT, 'test', 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const NOBODY = 65534;

interface ComposeService {
  environment?: Record<string, string>;
  command?: string[];
}

/** docker/docker-compose.yml's services, with `${VAR:?…}` and `${VAR:-default}` filled from `vars`. */
function composeServices(vars: Record<string, string>): Record<string, ComposeService> {
  const text = readFileSync(join(ROOT, 'docker', 'docker-compose.yml'), 'utf8').replace(
    /\$\{(\w+)(?::[?-]([^}]*))?\}/g,
    (_, name: string, fallback?: string) => vars[name] ?? fallback ?? '',
  );
  return (parse(text, { merge: true }) as { services: Record<string, ComposeService> }).services;
}

/** Everything under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/**
 * The compose file's configuration, run as processes (Docker cannot run on CI's machines): the
 * `migrate`, `api` and `worker` services' own environment and commands, read from
 * docker/docker-compose.yml, against real peers standing in for its containers: PostgreSQL with
 * the roles of docker/postgres/roles.sql, Redis with a password, an S3 server. The API and the
 * worker run as a non-root user (when the test runs as root), from an application directory they
 * cannot write, each with a data directory of its own: nothing but the bucket, the database and
 * Redis is shared, and nothing is written to either data directory.
 */
(PrivateRedis.available() ? describe : describe.skip)('The compose deployment, as processes', () => {
  const suffix = randomBytes(4).toString('hex');
  const names = {
    owner: `spendin_owner_${suffix}`,
    app: `spendin_app_${suffix}`,
    database: `spendin_test_compose_${suffix}`,
  };
  const secrets = {
    SPENDIN_OWNER_PASSWORD: `owner-${suffix}`,
    SPENDIN_APP_PASSWORD: `app-${suffix}`,
    REDIS_PASSWORD: `redis-${suffix}`,
    JWT_SECRET: `compose-jwt-secret-${suffix}-0123456789abcdef`,
    AUDIT_KEY: `compose-audit-key-${suffix}-0123456789abcdef`,
    ADMIN_PASSWORD: `compose-first-start-${suffix}`,
    S3_SECRET_ACCESS_KEY: 'unused',
    MINIO_ROOT_PASSWORD: 'unused',
    POSTGRES_PASSWORD: 'unused',
    SECRETS_KEY: randomBytes(32).toString('base64'),
  };
  const asRoot = process.getuid?.() === 0;
  const dirs = {
    api: mkdtempSync(join(tmpdir(), 'spendin-compose-api-')),
    worker: mkdtempSync(join(tmpdir(), 'spendin-compose-worker-')),
  };
  const user: SpawnOptions = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  let services: Record<string, ComposeService>;
  let redis: PrivateRedis;
  let s3: TestS3Server;
  let api: RunningApi;
  let worker: RunningWorker;
  let workerHealth: string;
  let adminUrl: string;

  /** A compose service's environment, pointed at this test's peers instead of the compose hosts. */
  function environmentOf(service: string): Record<string, string> {
    const env = { ...services[service].environment! };
    const database = new URL(env.DATABASE_URL);
    const server = new URL(databaseUrl(adminUrl, names.database));
    database.host = server.host;
    database.pathname = server.pathname;
    // The embedded test server is reached over its Unix socket (`?host=`).
    database.search = server.search;
    database.username = database.username.replace(/^spendin_owner$/, names.owner).replace(/^spendin_app$/, names.app);
    env.DATABASE_URL = database.toString();
    const queue = new URL(env.REDIS_URL);
    queue.host = `127.0.0.1:${redis.port}`;
    env.REDIS_URL = queue.toString();
    const bucket = s3.env(env.S3_BUCKET);
    return { ...env, ...bucket, QUEUE_PREFIX: names.database, OCR_WORKERS: '1' };
  }

  beforeAll(async () => {
    adminUrl = process.env[SERVER_ENV]!;
    services = composeServices(secrets);
    for (const dir of Object.values(dirs)) if (asRoot) chownSync(dir, NOBODY, NOBODY);
    const sql = rolesSql(names, { owner: secrets.SPENDIN_OWNER_PASSWORD, app: secrets.SPENDIN_APP_PASSWORD });
    await withClient(adminUrl, async (client) => {
      for (const statement of sql.server) await client.query(statement);
    });
    await withClient(databaseUrl(adminUrl, names.database), async (client) => {
      for (const statement of sql.database) await client.query(statement);
    });
    redis = await PrivateRedis.start(secrets.REDIS_PASSWORD);
    s3 = await TestS3Server.start(services.api.environment!.S3_BUCKET);

    const migrate = services.migrate.command!.slice(2).map((arg) => (arg === 'spendin_app' ? names.app : arg));
    expect(migrate).toEqual(['migrate', '--grant-to', names.app]);
    const migrated = await runCli(migrate, environmentOf('migrate'), user);
    expect({ code: migrated.code, stderr: migrated.stderr }).toEqual({ code: 0, stderr: '' });

    const port = await freePort();
    workerHealth = `http://127.0.0.1:${port}`;
    [api, worker] = await Promise.all([
      startApi({ ...environmentOf('api'), DATA_DIR: dirs.api }, 120_000, { ...user, cwd: dirs.api }),
      startWorker({ ...environmentOf('worker'), DATA_DIR: dirs.worker, WORKER_HEALTH_PORT: String(port) }, 120_000, {
        ...user,
        cwd: dirs.worker,
      }),
    ]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await redis?.stop();
    await s3?.close();
    await withClient(adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${names.database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${names.app}`);
      await client.query(`DROP ROLE IF EXISTS ${names.owner}`);
    });
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the app and the worker as the non-owner role, in production mode, with a password on Redis', () => {
    for (const service of ['api', 'worker']) {
      const env = services[service].environment!;
      expect(env.NODE_ENV).toBe('production');
      expect(new URL(env.DATABASE_URL).username).toBe('spendin_app');
      expect(new URL(env.REDIS_URL).password).toBe(secrets.REDIS_PASSWORD);
      expect(env.S3_BUCKET).toBeTruthy();
    }
    expect(new URL(services.migrate.environment!.DATABASE_URL).username).toBe('spendin_owner');
  });

  it('has the worker report the database, Redis and the bucket ready on its health port', async () => {
    const ready = await request(workerHealth).get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({
      database: { status: 'up' },
      queue: { status: 'up', transport: 'redis' },
      storage: { status: 'up', kind: 's3' },
    });
    expect(await redis.ask('PING')).toMatch(/^-NOAUTH/);
  });

  it('takes a receipt on the API, reads it in the worker, and writes nothing to either data directory', async () => {
    const login = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: services.api.environment!.ADMIN_EMAIL, password: secrets.ADMIN_PASSWORD })
      .expect(200);
    const auth = { Authorization: `Bearer ${login.body.access_token}` };
    const spend = await request(api.url)
      .post('/api/v1/spends')
      .set(auth)
      .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
      .expect(201);
    const uploaded = await request(api.url)
      .post('/api/v1/receipts')
      .set(auth)
      .field('spend_id', spend.body.id)
      .attach('file', RECEIPT, 'evergreen.jpg')
      .expect(201);
    const done = await eventually(
      async () => {
        const receipt = await request(api.url).get(`/api/v1/receipts/${uploaded.body.id}`).set(auth).expect(200);
        expect(receipt.body.ocr_status).toBe('done');
        return receipt.body;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(done.extracted.total).toBe('38.34');
    const file = await request(api.url)
      .get(`/api/v1/receipts/${uploaded.body.id}/file`)
      .set(auth)
      .buffer(true)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, RECEIPT)).toBe(0);
    expect(await s3.keys(services.api.environment!.S3_BUCKET)).toHaveLength(1);
    expect({ api: filesUnder(dirs.api), worker: filesUnder(dirs.worker) }).toEqual({ api: [], worker: [] });
    expect((await request(api.url).get('/api/v1/audit-logs/verify').set(auth).expect(200)).body.valid).toBe(true);
  }, 120_000);

  (asRoot ? it : it.skip)('runs as a user that cannot write the application directory', () => {
    const probe = spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'dist'))}, require('fs').constants.W_OK)`],
      { uid: NOBODY, gid: NOBODY, cwd: dirs.api },
    );
    expect(probe.status).not.toBe(0);
    expect(String(probe.stderr)).toContain('EACCES');
  });

  it('keeps the application role from switching the audit log off', async () => {
    const env = environmentOf('api');
    await withClient(env.DATABASE_URL, async (client) => {
      await expect(client.query('ALTER TABLE audit_logs DISABLE TRIGGER ALL')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('UPDATE audit_logs SET action = action')).rejects.toMatchObject({ code: '42501' });
    });
  });
});
