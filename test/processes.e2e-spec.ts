import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, runCli, runToExit, startApi } from './helpers/processes';
import { createEmptyDatabase, dropDatabase } from './setup/suite-database';

/**
 * The built API and CLI as a user runs them (`npm start`, `npm run cli`, `npm run
 * migration:run`): real processes, real ports, real databases. Needs `npm run build` first,
 * which `npm test` does.
 */
describe('Processes: start-up, migrations, bootstrap CLI, embedded default', () => {
  const JWT_SECRET = 'process-test-secret-process-test-secret-0123';
  const PASSWORD = 'bootstrap-password-123';

  describe('on an external PostgreSQL (DATABASE_URL)', () => {
    const name = `spendin_test_proc_${randomBytes(4).toString('hex')}`;
    let DATABASE_URL: string;

    beforeAll(async () => {
      DATABASE_URL = await createEmptyDatabase(name);
    });
    afterAll(() => dropDatabase(name));

    it('refuses to start on an unmigrated database and names the command that fixes it', async () => {
      const result = await runToExit(['dist/src/main.js'], {
        DATABASE_URL,
        JWT_SECRET,
        PORT: String(await freePort()),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('pending migration');
      expect(result.stderr).toContain('npm run migration:run');
    });

    it('migrates with the CLI, and a second run has nothing to do', async () => {
      const first = await runCli(['migrate'], { DATABASE_URL });
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain('Applied: Foundation');
      const second = await runCli(['migrate'], { DATABASE_URL });
      expect(second.stdout).toContain('nothing to apply');
      const status = await runCli(['migrate', '--status'], { DATABASE_URL });
      expect(status.stdout).toContain('up to date');
    });

    it('bootstraps an organization with its admin, idempotently', async () => {
      const args = ['bootstrap', '--org', 'Acme', '--email', 'a@acme.test', '--password', PASSWORD];
      const first = await runCli(args, { DATABASE_URL });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Created organization "Acme" \(.+\) with admin a@acme.test/);
      const second = await runCli(args, { DATABASE_URL });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('already exists; nothing changed');
      const elsewhere = await runCli(
        ['bootstrap', '--org', 'Other', '--email', 'a@acme.test', '--password', PASSWORD],
        { DATABASE_URL },
      );
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toContain('ADMIN_EMAIL_IN_OTHER_ORGANIZATION');
    });

    it('explains CLI usage mistakes', async () => {
      const missing = await runCli(['bootstrap', '--org', 'Acme'], { DATABASE_URL });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('--email, --password');
      const unknown = await runCli(['frobnicate'], { DATABASE_URL });
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toContain('Usage: npm run cli');
    });

    it('starts the API on the migrated database; the bootstrapped admin logs in', async () => {
      const api = await startApi({ DATABASE_URL, JWT_SECRET });
      try {
        const login = await request(api.url)
          .post('/api/v1/auth/login')
          .send({ email: 'a@acme.test', password: PASSWORD })
          .expect(200);
        const me = await request(api.url)
          .get('/api/v1/users/me')
          .set('Authorization', `Bearer ${login.body.access_token}`)
          .expect(200);
        expect(me.body).toMatchObject({ email: 'a@acme.test', role: 'admin' });
        await request(api.url).get('/health/ready').expect(200);
        // Logs are JSON lines with the request id, and never the password.
        const lines = api
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{'));
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.some((line) => JSON.parse(line).req?.id)).toBe(true);
        expect(api.output()).not.toContain(PASSWORD);
      } finally {
        expect((await api.stop()).code).toBe(0);
      }
    });

    it('on SIGTERM answers the requests in flight before it closes the database, and exits 0', async () => {
      const api = await startApi({ DATABASE_URL, JWT_SECRET });
      const login = await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: 'a@acme.test', password: PASSWORD })
        .expect(200);
      const headers = { authorization: `Bearer ${login.body.access_token}` };
      const statuses: number[] = [];
      let stopped = false;
      // Eight clients with keep-alive connections, each asking again as soon as it is answered,
      // until the server stops taking them.
      const client = async () => {
        while (!stopped) {
          try {
            const response = await fetch(`${api.url}/api/v1/spends?limit=20`, { headers });
            await response.arrayBuffer();
            statuses.push(response.status);
          } catch {
            return; // refused: the server no longer takes connections
          }
        }
      };
      const clients = Array.from({ length: 8 }, client);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answeredBefore = statuses.length;
      const finished = await api.stop('SIGTERM');
      stopped = true;
      await Promise.all(clients);
      expect(finished.code).toBe(0);
      expect(answeredBefore).toBeGreaterThan(0);
      // Every request the server took was answered, and none with a 5xx (the pool closed under it).
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(finished.stdout).not.toContain('INTERNAL_ERROR');
    });

    it('fails fast on bad configuration, naming the variable', async () => {
      const result = await runToExit(['dist/src/main.js'], { DATABASE_URL, JWT_SECRET, PORT: 'eighty' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Invalid configuration');
      expect(result.stderr).toContain('PORT');
      // The keys are never generated in production: without them the API does not start, and says which.
      const noKeys = { AUDIT_KEY: undefined, SECRETS_KEY: undefined };
      const production = await runToExit(['dist/src/main.js'], { DATABASE_URL, NODE_ENV: 'production', ...noKeys });
      expect(production.code).toBe(1);
      expect(production.stderr).toContain('JWT_SECRET');
      const withoutKey = await runToExit(['dist/src/main.js'], {
        DATABASE_URL,
        JWT_SECRET,
        NODE_ENV: 'production',
        ...noKeys,
      });
      expect(withoutKey.code).toBe(1);
      expect(withoutKey.stderr).toContain('AUDIT_KEY: must be set in production');
      expect(withoutKey.stderr).toContain('SECRETS_KEY: must be set in production');
      expect(withoutKey.stdout).not.toContain('Spendin API on');
    });
  });

  describe('with no DATABASE_URL: the embedded PostgreSQL under DATA_DIR', () => {
    let dataDir: string;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'spendin-embedded-'));
      chmodSync(dataDir, 0o755);
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('initialises, migrates, creates the first admin with a printed random password, and keeps data across restarts', async () => {
      const env = { DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(await freePort()), ORG_NAME: 'Laptop Co' };
      const first = await startApi(env, 120_000);
      let password: string;
      try {
        const printed = /e-mail:\s+(\S+)\n\s+password:\s+(\S+)/.exec(first.output());
        expect(printed).not.toBeNull();
        password = printed![2];
        const login = await request(first.url)
          .post('/api/v1/auth/login')
          .send({ email: printed![1], password })
          .expect(200);
        const org = await request(first.url)
          .get('/api/v1/organization')
          .set('Authorization', `Bearer ${login.body.access_token}`)
          .expect(200);
        expect(org.body.name).toBe('Laptop Co');
      } finally {
        expect((await first.stop()).code).toBe(0);
      }

      const second = await startApi(env, 60_000);
      try {
        expect(second.output()).not.toContain('password:');
        await request(second.url)
          .post('/api/v1/auth/login')
          .send({ email: 'admin@spendin.local', password })
          .expect(200);
      } finally {
        expect((await second.stop()).code).toBe(0);
      }
    }, 180_000);
  });
});
