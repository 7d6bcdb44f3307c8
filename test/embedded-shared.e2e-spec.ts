import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { eventually } from './helpers/eventually';
import { freePort, runCli, RunningApi, startApi } from './helpers/processes';

const PASSWORD = 'shared-embedded-password';

/** The postmaster's pid, when one runs on the data dir. */
function postmasterOf(dataDir: string): number | null {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** A data directory; as root the embedded PostgreSQL runs as the postgres OS user, which must enter it. */
function scratch(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `spendin-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * The embedded default is one PostgreSQL per DATA_DIR, shared by every Spendin process that
 * uses that directory (the API, a second API, a worker, the CLI) and stopped by the last one to
 * leave. Two checkouts (two DATA_DIRs) never collide: each cluster listens on a socket inside
 * its own directory.
 */
describe('The embedded PostgreSQL, shared and never killed', () => {
  const running: RunningApi[] = [];
  const dirs: string[] = [];
  const start = async (env: Record<string, string>) => {
    const api = await startApi(env, 120_000);
    running.push(api);
    return api;
  };
  afterAll(async () => {
    for (const api of running) await api.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lets the CLI bootstrap a second organization while the API runs; the API stays ready and the new admin logs in at once', async () => {
    const dataDir = scratch('shared');
    dirs.push(dataDir);
    const api = await start({ DATA_DIR: dataDir, ADMIN_EMAIL: 'admin@first.test', ADMIN_PASSWORD: PASSWORD });
    const postmaster = postmasterOf(dataDir);
    expect(postmaster).not.toBeNull();

    const cli = await runCli(
      ['bootstrap', '--org', 'Second Co', '--email', 'admin@second.test', '--password', PASSWORD],
      { DATA_DIR: dataDir },
    );
    expect(cli.stderr).not.toMatch(/leftover/i);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Created organization "Second Co"');

    expect(postmasterOf(dataDir)).toBe(postmaster);
    await request(api.url).get('/health/ready').expect(200);
    const login = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@second.test', password: PASSWORD })
      .expect(200);
    const org = await request(api.url)
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(org.body.name).toBe('Second Co');
    // The first organization is untouched.
    await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@first.test', password: PASSWORD })
      .expect(200);
  }, 240_000);

  it('serves the API as a role that owns nothing and is no superuser, so it cannot switch the audit log off', async () => {
    const dataDir = scratch('roles');
    dirs.push(dataDir);
    await start({ DATA_DIR: dataDir, ADMIN_EMAIL: 'admin@roles.test', ADMIN_PASSWORD: PASSWORD });
    const { password } = JSON.parse(readFileSync(join(dataDir, 'postgres-credentials.json'), 'utf8')) as {
      password: string;
    };
    const client = new Client({
      host: join(dataDir, 'postgres-socket'),
      port: 5432,
      user: 'postgres',
      password,
      database: 'spendin',
    });
    await client.connect();
    try {
      const sessions = await client.query(
        `SELECT DISTINCT r.rolname, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid WHERE a.application_name = 'spendin' AND a.datname = 'spendin'`,
      );
      expect(sessions.rows).toEqual([{ rolname: 'spendin_app', rolsuper: false }]);
      const [owner] = (await client.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_logs'`)).rows;
      expect(owner.tableowner).toBe('postgres');
    } finally {
      await client.end();
    }
  }, 240_000);

  it('serves a second API on the same DATA_DIR; the database stops only when the last one leaves', async () => {
    const dataDir = scratch('two-apis');
    dirs.push(dataDir);
    const first = await start({ DATA_DIR: dataDir, ADMIN_EMAIL: 'admin@two.test', ADMIN_PASSWORD: PASSWORD });
    const second = await start({ DATA_DIR: dataDir });
    const postmaster = postmasterOf(dataDir);
    expect(second.output()).toContain(`Using the embedded PostgreSQL (pid ${postmaster})`);

    expect((await first.stop()).code).toBe(0);
    expect(postmasterOf(dataDir)).toBe(postmaster);
    await request(second.url).get('/health/ready').expect(200);
    await request(second.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@two.test', password: PASSWORD })
      .expect(200);

    expect((await second.stop()).code).toBe(0);
    await eventually(() => expect(postmasterOf(dataDir)).toBeNull(), { timeoutMs: 10_000 });
  }, 240_000);

  it('runs two checkouts side by side with no port to configure', async () => {
    const [a, b] = [scratch('checkout-a'), scratch('checkout-b')];
    dirs.push(a, b);
    const [apiA, apiB] = await Promise.all([
      start({ DATA_DIR: a, ADMIN_EMAIL: 'admin@a.test', ADMIN_PASSWORD: PASSWORD }),
      start({ DATA_DIR: b, ADMIN_EMAIL: 'admin@b.test', ADMIN_PASSWORD: PASSWORD }),
    ]);
    await request(apiA.url).post('/api/v1/auth/login').send({ email: 'admin@a.test', password: PASSWORD }).expect(200);
    await request(apiB.url).post('/api/v1/auth/login').send({ email: 'admin@b.test', password: PASSWORD }).expect(200);
    // Each has a database of its own.
    await request(apiA.url).post('/api/v1/auth/login').send({ email: 'admin@b.test', password: PASSWORD }).expect(401);
    expect(postmasterOf(a)).not.toBe(postmasterOf(b));
  }, 240_000);

  it('says in one line what to do when the database cannot start', async () => {
    const dataDir = scratch('taken-port');
    dirs.push(dataDir);
    const port = await freePort();
    const squatter: Server = createServer().listen(port, '127.0.0.1');
    try {
      const result = await runCli(['migrate', '--status'], { DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(port) });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot listen on 127.0.0.1:${port}`);
      expect(lines[0]).toContain('EMBEDDED_DB_PORT');
      expect(lines[0]).not.toContain('initdb');
    } finally {
      squatter.close();
    }
  }, 120_000);
});
