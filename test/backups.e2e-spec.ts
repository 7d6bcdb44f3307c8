import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type { BackupManifest } from '../src/backups/backup-set';
import { DailyBackup } from '../src/backups/daily-backup';
import { AppConfig } from '../src/config/app-config';
import { bearer } from './helpers/problems';
import { runCli } from './helpers/processes';
import { TestS3Server } from './helpers/s3-server';
import { createTestApp, TEST_AUDIT_KEY, TEST_SECRETS_KEY, TestApp } from './helpers/test-app';
import { SERVER_ENV } from './setup/database-urls';
import { createEmptyDatabase, dropDatabase } from './setup/suite-database';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'receipts', name));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `spendin-backup-${what}-`));

async function withDb<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function rowCounts(url: string): Promise<Record<string, number>> {
  return withDb(url, async (client) => {
    const tables = await client.query<{ t: string }>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { t } of tables.rows)
      counts[t] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    return counts;
  });
}

/** The major version of the pg_dump this machine has, or 0 without one. */
function pgDumpMajor(): number {
  try {
    return Number(/\) (\d+)/.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))![1]);
  } catch {
    return 0;
  }
}

/**
 * The test server's major version, read before the tests are collected (so that each mode runs
 * exactly the tests that apply to it): the suites' PostgreSQL server, asked by a child process.
 */
function serverMajorVersion(): number {
  const script =
    "const { Client } = require('pg'); const c = new Client({ connectionString: process.env.URL });" +
    "c.connect().then(() => c.query('SHOW server_version_num')).then((r) => { process.stdout.write(r.rows[0].server_version_num); return c.end(); })";
  const num = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, URL: process.env[SERVER_ENV] },
  });
  return Math.floor(Number(num) / 10_000);
}

const SERVER_MAJOR = serverMajorVersion();
const DUMPABLE = pgDumpMajor() >= SERVER_MAJOR;
const whenDumpable = DUMPABLE ? it : it.skip;
const whenNotDumpable = DUMPABLE ? it.skip : it;

/**
 * `npm run cli -- backup` and `restore` (docs/operations.md#backups) against real PostgreSQL:
 * a populated database is backed up, restored into an empty one, and compared table by table,
 * receipt file by receipt file, and by the audit chain's check on the restored API. Where the
 * machine's pg_dump is older than the server (the embedded default's PostgreSQL 18 with Debian
 * bookworm's client 15), the same commands must refuse, naming both versions.
 */
describe('Backups and restore', () => {
  let t: TestApp;
  const receiptsDir = scratch('receipts');
  const backupsDir = scratch('sets');
  const uploaded: Buffer[] = [fixture('evergreen-usd-38.34.jpg'), fixture('synthetic-001.jpg'), randomBytes(4096)];
  let admin: { email: string; password: string };
  const restoredName = `spendin_restored_${randomBytes(4).toString('hex')}`;
  let restoredUrl: string;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { DATABASE_URL: t.databaseUrl, RECEIPTS_DIR: receiptsDir, ...env });

  beforeAll(async () => {
    t = await createTestApp({ RECEIPTS_DIR: receiptsDir });
    for (const name of ['Acme', 'Globex']) {
      const org = await t.given.organization(name);
      admin ??= org.admin;
      const employee = await t.given.user(org, 'employee');
      for (const [i, bytes] of uploaded.entries()) {
        const spend = await t.given.spend(employee, { amount: `${10 + i}.00`, merchant: `Shop ${i}` });
        await request(t.http)
          .post('/api/v1/receipts')
          .set(bearer(employee.accessToken))
          .field('spend_id', spend.id)
          .attach('file', bytes, i === 2 ? 'scan.png' : `r${i}.jpg`)
          .expect((res) => expect([201, 415, 422]).toContain(res.status));
      }
    }
    expect(Number((await t.dataSource.query('SHOW server_version_num'))[0].server_version_num)).toBeGreaterThanOrEqual(
      SERVER_MAJOR * 10_000,
    );
    // Nothing writes while the backup runs: the comparison below is against a still database.
    await t.close({ keepDatabase: true });
    restoredUrl = await createEmptyDatabase(restoredName);
  }, 120_000);
  afterAll(async () => {
    await dropDatabase(restoredName);
    await dropDatabase(new URL(t.databaseUrl).pathname.slice(1));
  });

  whenNotDumpable('refuses to back up with a pg_dump older than the server, leaving no set behind', async () => {
    const run = await cli(['backup', '--to', backupsDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`pg_dump ${pgDumpMajor()} cannot dump a PostgreSQL ${SERVER_MAJOR} server`);
    expect(readdirSync(backupsDir)).toEqual([]);
  });

  describe('with a pg_dump at least as new as the server', () => {
    let manifest: BackupManifest;
    let setDir: string;

    beforeAll(async () => {
      if (!DUMPABLE) return;
      const run = await cli(['backup', '--to', backupsDir, '--keep', '5']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [name] = readdirSync(backupsDir);
      setDir = join(backupsDir, name);
      manifest = JSON.parse(readFileSync(join(setDir, 'manifest.json'), 'utf8')) as BackupManifest;
    }, 120_000);

    whenDumpable('writes a set with a custom-format dump, the receipt files and a manifest without secrets', () => {
      expect(readFileSync(join(setDir, 'database.dump')).subarray(0, 5).toString()).toBe('PGDMP');
      const stored = uploaded.filter((bytes) => existsSync(join(receiptsDir, sha256(bytes).slice(0, 2))));
      expect(stored.length).toBeGreaterThanOrEqual(2);
      expect(manifest.receipts.count).toBe(stored.length);
      expect(manifest.receipts.bytes).toBe(stored.reduce((sum, b) => sum + b.length, 0));
      expect(manifest.row_counts.organizations).toBe(2);
      expect(manifest.migration_head).toMatch(/^[A-Za-z]+\d{13}$/);
      const text = readFileSync(join(setDir, 'manifest.json'), 'utf8');
      const password = new URL(t.databaseUrl).password;
      if (password) expect(text).not.toContain(password);
      // Password hashes, bank details, receipts: readable by the set's owner alone, whatever the umask.
      expect(statSync(setDir).mode & 0o777).toBe(0o700);
      for (const file of [
        'database.dump',
        'manifest.json',
        Object.keys(manifest.files).find((p) => p.startsWith('receipts/'))!,
      ])
        expect(statSync(join(setDir, file)).mode & 0o777).toBe(0o600);
    });

    whenDumpable('restores only a set of --from, named as sets are: not a path', async () => {
      const run = await cli([
        'restore',
        '--from',
        backupsDir,
        '--set',
        `../${setDir.split('/').pop()}`,
        '--database-url',
        restoredUrl,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--set names a set of --from');
    });

    whenDumpable(
      'restores into an empty database: same rows per table, same receipt bytes, a valid audit chain',
      async () => {
        const restoredReceipts = scratch('restored-receipts');
        const run = await cli(['restore', '--from', backupsDir, '--database-url', restoredUrl], {
          RECEIPTS_DIR: restoredReceipts,
        });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('Audit log of Acme: valid');
        expect(run.stdout).toContain('Audit log of Globex: valid');
        expect(run.stdout).toContain('every check passed');
        expect(await rowCounts(restoredUrl)).toEqual(await rowCounts(t.databaseUrl));
        expect(await rowCounts(restoredUrl)).toEqual(manifest.row_counts);
        for (const path of Object.keys(manifest.files).filter((p) => p.startsWith('receipts/'))) {
          const name = path.split('/').pop()!;
          expect(sha256(readFileSync(join(restoredReceipts, path.slice('receipts/'.length))))).toBe(name);
        }
        // The restored database serves the API: the admin logs in, the chain verifies.
        const restored = await createTestApp({ RECEIPTS_DIR: restoredReceipts }, {
          databaseUrl: restoredUrl,
        } as TestApp);
        try {
          const login = await request(restored.http)
            .post('/api/v1/auth/login')
            .send({ email: admin.email, password: admin.password })
            .expect(200);
          const verify = await request(restored.http)
            .get('/api/v1/audit-logs/verify')
            .set(bearer(login.body.access_token as string))
            .expect(200);
          expect(verify.body.valid).toBe(true);
          expect(verify.body.checked).toBeGreaterThan(0);
        } finally {
          await restored.close({ keepDatabase: true });
        }
      },
      120_000,
    );

    whenDumpable('refuses to restore into a database that is not empty, and changes nothing', async () => {
      const before = await rowCounts(t.databaseUrl);
      const run = await cli(['restore', '--from', backupsDir, '--database-url', t.databaseUrl]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/is not empty \(\d+ tables in public\): restore only into an empty database/);
      expect(await rowCounts(t.databaseUrl)).toEqual(before);
    });

    whenDumpable('refuses a set whose files were altered', async () => {
      const receipt = Object.keys(manifest.files).find((p) => p.startsWith('receipts/'))!;
      const original = readFileSync(join(setDir, receipt));
      writeFileSync(join(setDir, receipt), Buffer.concat([original, Buffer.from('x')]));
      try {
        const empty = `spendin_untouched_${randomBytes(4).toString('hex')}`;
        const url = await createEmptyDatabase(empty);
        const run = await cli(['restore', '--from', backupsDir, '--database-url', url]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`${receipt} of set`);
        expect(run.stderr).toContain('altered');
        expect(await rowCounts(url)).toEqual({});
        await dropDatabase(empty);
      } finally {
        writeFileSync(join(setDir, receipt), original);
      }
    });

    whenDumpable(
      'names BACKUP_DATABASE_URL when the role may not read everything, and dumps with it',
      async () => {
        const role = `spendin_bk_app_${randomBytes(4).toString('hex')}`;
        await withDb(t.databaseUrl, (client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-secret-pw'`));
        try {
          const granted = await cli(['migrate', '--grant-to', role]);
          expect(granted.code).toBe(0);
          const appUrl = new URL(t.databaseUrl);
          appUrl.username = role;
          appUrl.password = 'app-secret-pw';
          const dir = scratch('app-role');
          const refused = await cli(['backup', '--to', dir], { DATABASE_URL: appUrl.toString() });
          expect(refused.code).toBe(1);
          expect(refused.stderr).toContain('permission denied for sequence');
          expect(refused.stderr).toContain('set BACKUP_DATABASE_URL');
          expect(refused.stderr).not.toContain('app-secret-pw');
          expect(readdirSync(dir)).toEqual([]);
          const run = await cli(['backup', '--to', dir], {
            DATABASE_URL: appUrl.toString(),
            BACKUP_DATABASE_URL: t.databaseUrl,
          });
          expect(run.code).toBe(0);
          expect(readdirSync(dir)).toHaveLength(1);
        } finally {
          await withDb(t.databaseUrl, async (client) => {
            await client.query(`DROP OWNED BY ${role}`);
            await client.query(`DROP ROLE ${role}`);
          });
        }
      },
      60_000,
    );

    whenDumpable(
      'keeps the newest N sets (--keep) and deletes the older ones',
      async () => {
        for (let i = 0; i < 2; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 1100));
          const run = await cli(['backup', '--to', backupsDir, '--keep', '2']);
          expect(run.code).toBe(0);
        }
        const sets = readdirSync(backupsDir).sort();
        expect(sets).toHaveLength(2);
        expect(sets).not.toContain(setDir.split('/').pop());
        expect(readFileSync(join(backupsDir, sets[1], 'manifest.json'), 'utf8')).toContain('"row_counts"');
      },
      60_000,
    );
  });

  whenDumpable(
    'writes the scheduled daily backup once when three workers race for it',
    async () => {
      const dir = scratch('daily');
      const worker = () =>
        new DailyBackup(
          AppConfig.fromEnv({
            NODE_ENV: 'test',
            DATABASE_URL: t.databaseUrl,
            RECEIPTS_DIR: receiptsDir,
            AUDIT_KEY: TEST_AUDIT_KEY,
            SECRETS_KEY: TEST_SECRETS_KEY,
            DATA_DIR: scratch('daily-data'),
            LOG_LEVEL: 'silent',
            BACKUP_DIR: dir,
            BACKUP_DAILY_AT: '00:00',
          }),
        );
      const now = new Date();
      const outcomes = await Promise.all([worker().tick(now), worker().tick(now), worker().tick(now)]);
      expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'written').every((o) => o === 'busy' || o === 'done-elsewhere')).toBe(true);
      expect(readdirSync(dir)).toHaveLength(1);
      // Later the same day every worker finds it done; the directory still holds the one set.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await worker().tick(new Date())).toBe('not-due');
      expect(readdirSync(dir)).toHaveLength(1);
    },
    60_000,
  );

  it('runs on the embedded default (no DATABASE_URL): backs up, or refuses an older pg_dump', async () => {
    const dataDir = scratch('embedded');
    const env = { DATABASE_URL: undefined as unknown as string, DATA_DIR: dataDir };
    const migrated = await runCli(['migrate'], env);
    expect(migrated.code).toBe(0);
    const run = await runCli(['backup', '--keep', '1'], env);
    const sets = existsSync(join(dataDir, 'backups')) ? readdirSync(join(dataDir, 'backups')) : [];
    if (pgDumpMajor() >= 18) {
      expect(run.code).toBe(0);
      expect(sets).toHaveLength(1);
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^pg_dump \d+ cannot dump a PostgreSQL 18 server: install the PostgreSQL 18 client/);
      expect(sets).toEqual([]);
    }
  }, 120_000);

  whenDumpable(
    'with S3 receipt storage: takes the bytes out of the bucket, and restore puts them into the configured one',
    async () => {
      const s3 = await TestS3Server.start('receipts-live', 'receipts-restored');
      const app = await createTestApp(s3.env('receipts-live'));
      const dir = scratch('s3-sets');
      const restoredDb = `spendin_s3_restored_${randomBytes(4).toString('hex')}`;
      try {
        const org = await app.given.organization('Initech');
        const spend = await app.given.spend(org.admin, { amount: '12.00', merchant: 'Kiosk' });
        const bytes = uploaded[0];
        await request(app.http)
          .post('/api/v1/receipts')
          .set(bearer(org.admin.accessToken))
          .field('spend_id', spend.id)
          .attach('file', bytes, 'r.jpg')
          .expect(201);
        await app.close({ keepDatabase: true });
        const key = `receipts/${sha256(bytes).slice(0, 2)}/${sha256(bytes).slice(2, 4)}/${sha256(bytes)}`;
        expect(await s3.keys('receipts-live')).toEqual([key]);
        const backup = await runCli(['backup', '--to', dir], {
          DATABASE_URL: app.databaseUrl,
          ...s3.env('receipts-live'),
        });
        expect(backup.stderr).not.toMatch(/failed|Error/);
        expect(backup.code).toBe(0);
        const [set] = readdirSync(dir);
        expect(readFileSync(join(dir, set, key))).toEqual(bytes);
        const url = await createEmptyDatabase(restoredDb);
        const restore = await runCli(['restore', '--from', dir, '--database-url', url], s3.env('receipts-restored'));
        expect(restore.code).toBe(0);
        expect(restore.stdout).toContain('Audit log of Initech: valid');
        expect(await s3.keys('receipts-restored')).toEqual([key]);
      } finally {
        await dropDatabase(restoredDb);
        await dropDatabase(new URL(app.databaseUrl).pathname.slice(1));
        await s3.close();
      }
    },
    120_000,
  );

  whenDumpable(
    'restores a set into the embedded default (no DATABASE_URL) of an empty DATA_DIR, checks passing',
    async () => {
      const dataDir = scratch('embedded-restore');
      const run = await runCli(['restore', '--from', backupsDir], {
        DATABASE_URL: undefined as unknown as string,
        DATA_DIR: dataDir,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Row counts: all \d+ tables match the manifest/);
      expect(run.stdout).toContain('Audit log of Globex: valid');
      expect(run.stdout).toContain('every check passed');
      const receipt = uploaded.find((bytes) => existsSync(join(receiptsDir, sha256(bytes).slice(0, 2))))!;
      const address = sha256(receipt);
      expect(readFileSync(join(dataDir, 'receipts', address.slice(0, 2), address.slice(2, 4), address))).toEqual(
        receipt,
      );
      // The application role was granted what it needs: the API's own commands work on it.
      const status = await runCli(['migrate', '--status'], {
        DATABASE_URL: undefined as unknown as string,
        DATA_DIR: dataDir,
      });
      expect(status.stdout).toContain('Schema is up to date.');
    },
    120_000,
  );
});
