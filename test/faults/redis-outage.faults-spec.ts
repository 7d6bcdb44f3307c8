import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { TestUser } from '../helpers/given';
import { bearer } from '../helpers/problems';
import { RunningWorker, startWorker } from '../helpers/processes';
import { RedisLink } from '../helpers/redis-link';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../helpers/test-app';

const RECEIPT = readFileSync(join(__dirname, '..', 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const RECEIPTS = 200;
const OUTAGE_MS = 30_000;
const redisUrl = process.env.REDIS_URL;

/**
 * Redis gone for 30 s while 200 receipts are uploaded: the API keeps answering (the jobs wait
 * as outbox rows), and once Redis is back two worker processes read every receipt, none twice.
 * Redis is cut by a TCP proxy in front of the shared server, so other suites keep theirs.
 */
(redisUrl ? describe : describe.skip)('Redis stopped while receipts are uploaded', () => {
  let t: TestApp;
  let link: RedisLink;
  let employee: TestUser;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    link = new RedisLink(new URL(redisUrl!));
    await link.up();
    t = await createTestApp({ REDIS_URL: link.url, JOBS_IN_API: 'false', DATABASE_POOL_SIZE: '4' });
    employee = await t.given.user(await t.given.organization(), 'employee');
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startWorker({
          DATABASE_URL: t.databaseUrl,
          REDIS_URL: link.url,
          QUEUE_PREFIX: t.config.jobs.queuePrefix,
          JWT_SECRET: TEST_JWT_SECRET,
          RECEIPTS_DIR: t.config.receipts.dir,
          OCR_WORKERS: '1',
          OUTBOX_POLL_MS: '200',
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await t.close();
    await link.down();
  });

  it(`processes all ${RECEIPTS} receipts after the outage, each exactly once`, async () => {
    const spend = await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(employee.accessToken))
      .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
      .expect(201);
    await link.down();
    const outageEnds = Date.now() + OUTAGE_MS;
    const ids: string[] = [];
    for (let i = 0; i < RECEIPTS; i++) {
      const uploaded = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', spend.body.id)
        .attach('file', RECEIPT, `r${i}.jpg`)
        .expect(201);
      ids.push(uploaded.body.id);
    }
    expect(Date.now()).toBeLessThan(outageEnds);
    const [{ waiting }] = await t.dataSource.query(
      `SELECT count(*)::int AS waiting FROM outbox WHERE topic = 'receipt.ocr_requested' AND dispatched_at IS NULL`,
    );
    expect(waiting).toBe(RECEIPTS);
    await new Promise((resolve) => setTimeout(resolve, outageEnds - Date.now()));
    await link.up();

    const deadline = Date.now() + 420_000;
    for (;;) {
      const [{ open }] = await t.dataSource.query(
        `SELECT count(*)::int AS open FROM receipts WHERE id = ANY($1::uuid[]) AND ocr_status NOT IN ('done', 'failed')`,
        [ids],
      );
      if (open === 0) break;
      if (Date.now() > deadline) throw new Error(`${open} receipts still not processed`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const runs: Array<{ runs: number }> = await t.dataSource.query(
      `SELECT count(*)::int AS runs FROM audit_logs WHERE action = 'receipt.processed' AND entity_id = ANY($1::text[]) GROUP BY entity_id`,
      [ids],
    );
    expect(runs).toHaveLength(RECEIPTS);
    expect(runs.every((r) => r.runs === 1)).toBe(true);
    const [{ done }] = await t.dataSource.query(
      `SELECT count(*)::int AS done FROM receipts WHERE id = ANY($1::uuid[]) AND ocr_status = 'done'`,
      [ids],
    );
    expect(done).toBe(RECEIPTS);
  }, 600_000);
});
