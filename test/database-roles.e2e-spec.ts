import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { rolesSql } from './helpers/database-roles';
import { runCli, RunningApi, startApi } from './helpers/processes';
import { databaseUrl, SERVER_ENV, withClient } from './setup/database-urls';

const OPERATIONS = join(__dirname, '..', 'docs', 'operations.md');
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const PASSWORD = 'roles-test-password';
const JWT_SECRET = 'database-roles-test-secret-0123456789abcdef';

/** Runs a statement that must be refused, and answers PostgreSQL's code and message. */
async function refusal(client: Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return `accepted: ${sql}`;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code} ${message}`;
  }
}

/**
 * docs/operations.md's database roles, run as written: a superuser creates the two roles and the
 * database, the owner migrates and grants, the API runs as the application role through a whole
 * spend, and that role can neither change, empty nor unprotect the audit log, while the owner
 * could disable its triggers (which is why the API must not run as the owner).
 */
describe('Database roles from docs/operations.md', () => {
  const suffix = randomBytes(4).toString('hex');
  const names = {
    owner: `spendin_owner_${suffix}`,
    app: `spendin_app_${suffix}`,
    database: `spendin_test_roles_${suffix}`,
  };
  let adminUrl: string;
  let ownerUrl: string;
  let appUrl: string;
  let api: RunningApi | undefined;

  const as = (role: string, password: string) => {
    const url = new URL(databaseUrl(adminUrl, names.database));
    url.username = role;
    url.password = password;
    return url.toString();
  };

  beforeAll(async () => {
    adminUrl = process.env[SERVER_ENV]!;
    ownerUrl = as(names.owner, 'owner-secret');
    appUrl = as(names.app, 'app-secret');
    const sql = rolesSql(names, { owner: 'owner-secret', app: 'app-secret' });
    expect(sql.database.length).toBeGreaterThan(0);
    await withClient(adminUrl, async (client) => {
      for (const statement of sql.server) await client.query(statement);
    });
    await withClient(databaseUrl(adminUrl, names.database), async (client) => {
      for (const statement of sql.database) await client.query(statement);
    });
  });

  afterAll(async () => {
    if (api) await api.stop();
    await withClient(adminUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${names.database} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${names.app}`);
      await client.query(`DROP ROLE IF EXISTS ${names.owner}`);
    });
  });

  it('migrates as the owner, and the owner grants the application role what it needs', async () => {
    const migrated = await runCli(['migrate', '--grant-to', names.app], { DATABASE_URL: ownerUrl });
    expect({ code: migrated.code, stderr: migrated.stderr }).toMatchObject({ code: 0 });
    expect(migrated.stdout).toContain(`Granted ${names.app} what the API and the worker need.`);
    await withClient(ownerUrl, async (client) => {
      const [row] = (await client.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_logs'`)).rows;
      expect(row.tableowner).toBe(names.owner);
      // The sequences the page names are the ones the application uses (the migrations' own is the owner's business).
      const sequences = (
        await client.query(
          `SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public' AND sequence_name <> 'schema_migrations_id_seq' ORDER BY 1`,
        )
      ).rows.map((r) => r.sequence_name);
      expect(sequences).toEqual(['audit_logs_seq_seq', 'login_failures_id_seq', 'outbox_id_seq']);
      for (const name of sequences) expect(readFileSync(OPERATIONS, 'utf8')).toContain(`\`${name}\``);
    });
  });

  it('runs the API and the CLI as the application role through a whole spend', async () => {
    const bootstrap = await runCli(
      ['bootstrap', '--org', 'Roles Co', '--email', 'admin@roles.test', '--password', PASSWORD],
      { DATABASE_URL: appUrl },
    );
    expect({ code: bootstrap.code, stderr: bootstrap.stderr }).toMatchObject({ code: 0 });
    const env: Record<string, string> = { DATABASE_URL: appUrl, JWT_SECRET, OCR_WORKERS: '1' };
    if (process.env.REDIS_URL) Object.assign(env, { JOBS_IN_API: 'true', QUEUE_PREFIX: names.database });
    api = await startApi(env);
    const http = request(api.url);
    const send = (method: 'post' | 'patch' | 'put' | 'delete', token: string, path: string, body?: object) =>
      http[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body);
    const get = (token: string, path: string) => http.get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
    const login = async (email: string, password = PASSWORD) =>
      (await http.post('/api/v1/auth/login').send({ email, password }).expect(200)).body.access_token as string;

    await http.post('/api/v1/auth/login').send({ email: 'admin@roles.test', password: 'a-wrong-password' }).expect(401);
    const admin = await login('admin@roles.test');
    const manager = (
      await send('post', admin, '/admin/users', {
        email: 'manager@roles.test',
        full_name: 'M',
        role: 'manager',
        password: PASSWORD,
      }).expect(201)
    ).body.id;
    const employee = (
      await send('post', admin, '/admin/users', {
        email: 'employee@roles.test',
        full_name: 'E',
        role: 'employee',
        password: PASSWORD,
        manager_id: manager,
      }).expect(201)
    ).body.id;
    const team = (await send('post', admin, '/teams', { name: 'Vans', member_ids: [employee] }).expect(201)).body.id;
    await send('delete', admin, `/teams/${team}/members/${employee}`).expect(200);
    await http
      .post('/api/v1/exchange-rates/import')
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'text/csv')
      .send('date,currency,rate\n2026-08-13,EUR,1.1\n')
      .expect(200);
    await send('post', admin, '/policies', {
      name: 'Manager',
      rules: [{ condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'manager' } }],
    }).expect(201);

    const employeeToken = await login('employee@roles.test');
    const spend = (
      await send('post', employeeToken, '/spends', { amount: '38.34', currency: 'USD', spend_date: '2026-08-13' })
        .set('Idempotency-Key', 'roles-1')
        .expect(201)
    ).body.id;
    const receipt = (
      await http
        .post(`/api/v1/spends/${spend}/receipts`)
        .set('Authorization', `Bearer ${employeeToken}`)
        .attach('file', RECEIPT, 'r.jpg')
        .expect(201)
    ).body.id;
    for (let i = 0; i < 120 && (await get(employeeToken, `/receipts/${receipt}`)).body.ocr_status !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 500));
    expect((await get(employeeToken, `/receipts/${receipt}`).expect(200)).body).toMatchObject({
      ocr_status: 'done',
      verified: true,
    });

    const managerToken = await login('manager@roles.test');
    const step = (await get(managerToken, '/approvals').expect(200)).body.items[0].id;
    await send('post', managerToken, `/approvals/${step}/decision`, { approved: true }).expect(200);
    await send('post', admin, `/spends/${spend}/pay`, { reference: 'R-1' }).expect(200);
    await send('post', employeeToken, '/notifications/read-all').expect(200);
    await send('post', employeeToken, '/users/me/password', {
      current_password: PASSWORD,
      new_password: 'another-long-password',
    }).expect(200);
    expect((await get(admin, '/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true });
    expect((await get(admin, `/spends/${spend}`).expect(200)).body.status).toBe('paid');

    // Housekeeping's deletes, which run an hour apart in a live process: allowed to this role.
    await withClient(appUrl, async (client) => {
      await client.query('BEGIN');
      for (const table of ['outbox', 'idempotency_keys', 'webhook_deliveries', 'webhook_events', 'login_attempts'])
        await client.query(`DELETE FROM ${table} WHERE false`);
      await client.query('ROLLBACK');
    });
  }, 180_000);

  it('keeps the application role from changing, emptying or unprotecting the audit log', async () => {
    await withClient(appUrl, async (client) => {
      expect((await client.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0].n).toBeGreaterThan(10);
      const refused = [
        'UPDATE audit_logs SET action = action',
        'DELETE FROM audit_logs',
        'TRUNCATE audit_logs',
        'ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete',
        'DROP TRIGGER audit_logs_no_truncate ON audit_logs',
        'SET session_replication_role = replica',
        'CREATE TABLE audit_logs_copy (id int)',
        `INSERT INTO schema_migrations (timestamp, name) VALUES (1, 'Forged1')`,
      ];
      for (const sql of refused)
        expect(`${sql}: ${await refusal(client, sql)}`).toMatch(
          new RegExp(`^${sql.replace(/[()*]/g, '\\$&')}: 42501 (permission denied|must be owner)`),
        );
    });
  });

  it('refuses changes to the owner too, through the triggers, which the owner alone could disable', async () => {
    await withClient(ownerUrl, async (client) => {
      expect(await refusal(client, 'UPDATE audit_logs SET action = action')).toMatch(
        /^42501 audit_logs is append-only: UPDATE/,
      );
      expect(await refusal(client, 'DELETE FROM audit_logs')).toMatch(/^42501 audit_logs is append-only: DELETE/);
      await client.query('BEGIN');
      await client.query('ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete');
      await client.query('ROLLBACK');
    });
  });
});
