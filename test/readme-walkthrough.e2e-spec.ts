import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, RunningApi, startApi } from './helpers/processes';
import { createEmptyDatabase, dropDatabase } from './setup/suite-database';

const ROOT = join(__dirname, '..');
const README = join(ROOT, 'README.md');
const TOOLS = ['bash', 'curl', 'jq'];

/** The README's walkthrough: every ```bash walkthrough block, in order. */
function walkthroughBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```bash walkthrough\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

/**
 * The README's "From nothing to a paid spend", run as a reader runs it: the built API started
 * from nothing (a fresh DATA_DIR, and an empty database), the password taken from the banner it
 * prints at first start, and the README's own bash blocks run by bash with curl and jq. Then the
 * API is asked whether the spend really went through. Nothing here skips: a missing tool or a
 * README without its marked blocks fails the test.
 */
describe('README walkthrough: from nothing to a paid spend', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'spendin-walkthrough-'));
  const database = `spendin_test_walk_${randomBytes(4).toString('hex')}`;
  let api: RunningApi | undefined;

  beforeAll(() => chmodSync(dataDir, 0o755));
  afterAll(async () => {
    if (api) await api.stop();
    if (process.env.DATABASE_URL) await dropDatabase(database);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the ten marked steps and the tools they use', () => {
    expect(walkthroughBlocks(readFileSync(README, 'utf8'))).toHaveLength(10);
    const missing = TOOLS.filter((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0);
    expect({ missing }).toEqual({ missing: [] });
  });

  it('runs every step against a fresh API and ends with the spend paid, audited and reported', async () => {
    const env: Record<string, string> = { DATA_DIR: dataDir, OCR_WORKERS: '1' };
    if (process.env.DATABASE_URL) {
      // CI's first pass: an empty database on the real server, migrated by the API as on the embedded default.
      env.DATABASE_URL = await createEmptyDatabase(database);
      env.MIGRATE_ON_START = 'true';
    } else {
      env.EMBEDDED_DB_PORT = String(await freePort());
    }
    // With Redis, the API runs the OCR job itself, in a queue namespace of its own.
    if (process.env.REDIS_URL) Object.assign(env, { JOBS_IN_API: 'true', QUEUE_PREFIX: database });
    api = await startApi(env, 120_000);

    const printed = /e-mail:\s+(\S+)\n\s+password:\s+(\S+)/.exec(api.output());
    expect(printed?.[1]).toBe('admin@spendin.local');
    const password = printed![2];

    const script = ['set -euo pipefail', ...walkthroughBlocks(readFileSync(README, 'utf8'))].join('\n');
    const bash = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? tmpdir(),
        API: `${api.url}/api/v1`,
        ADMIN_PASSWORD: password,
      },
    });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (chunk) => (stdout += chunk));
    bash.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(bash, 'exit');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('"spend_status": "approved"');
    expect(stdout).toContain('"valid": true');

    const login = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@spendin.local', password })
      .expect(200);
    const as = (path: string) =>
      request(api!.url).get(`/api/v1${path}`).set('Authorization', `Bearer ${login.body.access_token}`);
    const paid = (await as('/spends?status=paid').expect(200)).body;
    expect(paid.items).toEqual([
      expect.objectContaining({
        amount: '38.34',
        currency: 'USD',
        merchant: 'Evergreen Auto Parts',
        payment_reference: 'SEPA-2026-0042',
        flags: [],
      }),
    ]);
    const spend = (await as(`/spends/${paid.items[0].id}`).expect(200)).body;
    expect(spend.receipts).toEqual([expect.objectContaining({ ocr_status: 'done', verified: true })]);
    expect(spend.approvals).toEqual([
      expect.objectContaining({ status: 'approved', comment: 'Thanks, the van is back on the road' }),
    ]);

    const users = (await as('/admin/users?q=example.com').expect(200)).body.items as Array<{
      email: string;
      id: string;
      role: string;
      manager_id: string | null;
    }>;
    const mary = users.find((u) => u.email === 'mary@example.com');
    expect(users.find((u) => u.email === 'emma@example.com')).toMatchObject({ role: 'employee', manager_id: mary?.id });
    expect(spend.approvals[0].approver.user_id).toBe(mary?.id);
    expect((await as('/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true });
    expect((await as('/reports/summary?group_by=user').expect(200)).body).toMatchObject({ total: '38.34', count: 1 });
  }, 300_000);
});
