import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningApi, runCli, startApi } from './helpers/processes';
import { cloneTemplate, dropDatabase } from './setup/suite-database';

jest.setTimeout(180_000);

/**
 * `npm run cli -- demo` in a fresh database, as a newcomer runs it: the built CLI in a child
 * process, then the built API on the same database, logged in with the printed logins. The
 * spends, approvals and payments went through the API's routes, so the audit chain verifies.
 */
describe('npm run cli -- demo', () => {
  const database = `spendin_test_demo_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'spendin-demo-'));
  let env: Record<string, string>;
  let api: RunningApi | undefined;

  beforeAll(async () => {
    env = {
      DATABASE_URL: await cloneTemplate(database),
      DATA_DIR: dataDir,
      JWT_SECRET: 'demo-cli-secret-demo-cli-secret-demo-cli-0123',
      OCR_WORKERS: '1',
    };
  });
  afterAll(async () => {
    await api?.stop();
    await dropDatabase(database);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a living organization once, prints each role its login, and refuses a second run', async () => {
    // The limits a server would have do not hold the seeding back (12 uploads against 1 a minute).
    const run = await runCli(['demo', '--org', 'Demo Test Co', '--months', '2', '--seed', '7'], {
      ...env,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '1',
    });
    expect(run).toMatchObject({ code: 0 });
    const logins = Object.fromEntries(
      [...run.stdout.matchAll(/^ {2}(\w+)\s+(\S+@demo-test-co\.demo)\s+(\S+)$/gm)].map(([, role, email, password]) => [
        role,
        { email, password },
      ]),
    );
    expect(Object.keys(logins).sort()).toEqual(['accountant', 'admin', 'employee', 'finance', 'manager']);
    expect(run.stdout).toMatch(/12 spends over 2 month\(s\)/);
    // No request log: the passwords are printed once, in the summary, and nowhere else.
    expect(run.stdout.split(logins.admin.password)).toHaveLength(2);
    expect(run.stderr).not.toContain(logins.admin.password);

    const again = await runCli(['demo', '--org', 'Demo Test Co'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already; nothing changed');

    api = await startApi(env);
    const login = await request(api.url).post('/api/v1/auth/login').send(logins.admin).expect(200);
    const auth = { Authorization: `Bearer ${login.body.access_token}` };
    const spends = (await request(api.url).get('/api/v1/spends?limit=100').set(auth).expect(200)).body;
    expect(spends.total).toBe(12);
    const statuses = new Set(spends.items.map((s: { status: string }) => s.status));
    expect(statuses).toContain('paid');
    expect(statuses.size).toBeGreaterThan(1);
    // Each spend has its receipt (a generated image; OCR reads it wherever jobs run).
    expect(spends.items.map((s: { receipts: object[] }) => s.receipts.length)).toEqual(Array(12).fill(1));
    const users = (await request(api.url).get('/api/v1/admin/users?limit=100').set(auth).expect(200)).body;
    expect(users.items.map((u: { role: string }) => u.role).sort()).toEqual([
      'accountant',
      'admin',
      'employee',
      'employee',
      'finance',
      'manager',
    ]);
    expect((await request(api.url).get('/api/v1/audit-logs/verify').set(auth).expect(200)).body).toMatchObject({
      valid: true,
    });
    const employee = await request(api.url).post('/api/v1/auth/login').send(logins.employee).expect(200);
    const own = await request(api.url)
      .get('/api/v1/spends?limit=100')
      .set({ Authorization: `Bearer ${employee.body.access_token}` })
      .expect(200);
    expect(own.body.total).toBe(6);
  });

  it('refuses a production installation without --force', async () => {
    const refused = await runCli(['demo', '--org', 'Prod Demo Co'], { ...env, NODE_ENV: 'production' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('production installation (NODE_ENV=production)');
    expect(refused.stderr).toContain('--force');
  });
});
