import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startApi } from './helpers/processes';
import { createEmptyDatabase, dropDatabase } from './setup/suite-database';

/**
 * The first admin's generated password, as the built API prints it or not. In production,
 * stdout goes to log collectors: the password must never appear there, but in a file that only
 * the API's user can read, and the admin must replace it at first login.
 */
describe('First start: where the generated admin password goes', () => {
  const JWT_SECRET = 'first-admin-test-secret-first-admin-test-0123';
  const name = `spendin_test_first_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'spendin-first-admin-'));
  let DATABASE_URL: string;

  beforeAll(async () => {
    DATABASE_URL = await createEmptyDatabase(name);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase(name);
  });

  it('in production, writes it to DATA_DIR/first-admin-password (mode 600), never to the output, and demands a new one at login', async () => {
    const api = await startApi(
      { NODE_ENV: 'production', DATABASE_URL, MIGRATE_ON_START: 'true', JWT_SECRET, DATA_DIR: dataDir },
      120_000,
    );
    let output: string;
    try {
      const file = join(dataDir, 'first-admin-password');
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

      const login = await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: 'admin@spendin.local', password })
        .expect(200);
      expect(login.body.password_change_required).toBe(true);
      const token = login.body.access_token as string;
      const blocked = await request(api.url)
        .get('/api/v1/organization')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const changed = await request(api.url)
        .post('/api/v1/users/me/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ current_password: password, new_password: 'my-own-lantern-passphrase' })
        .expect(200);
      await request(api.url)
        .get('/api/v1/organization')
        .set('Authorization', `Bearer ${changed.body.access_token}`)
        .expect(200);
      output = api.output();
      expect(output).toContain(`password:     in ${file} (readable by this user only)`);
      expect(output).not.toContain(password);
    } finally {
      const finished = await api.stop();
      expect(finished.code).toBe(0);
      output = finished.stdout + finished.stderr;
    }
    expect(output).not.toContain(readFileSync(join(dataDir, 'first-admin-password'), 'utf8').trim());
    // No temporary copy of the password is left behind.
    expect(readdirSync(dataDir).filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
  }, 180_000);
});
