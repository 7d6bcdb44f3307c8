import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestUser } from './helpers/given';
import { bearer } from './helpers/problems';
import { RunningWorker, startWorker } from './helpers/processes';
import { RedisLink } from './helpers/redis-link';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

const redisUrl = process.env.REDIS_URL;

// Worker processes boot in seconds and OCR takes about one per receipt on a small machine.
jest.setTimeout(150_000);

// The queue path needs a real Redis; without REDIS_URL the app runs jobs in-process (covered
// by receipts.e2e-spec.ts), and there is nothing here to test.
(redisUrl ? describe : describe.skip)('Receipts through Redis and separate worker processes', () => {
  let t: TestApp;
  let link: RedisLink;
  let employee: TestUser;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    link = new RedisLink(new URL(redisUrl!));
    await link.up();
    // The API only dispatches: the worker processes run the jobs.
    t = await createTestApp({ REDIS_URL: link.url, JOBS_IN_API: 'false', JOB_LOCK_SECONDS: '4' });
    const org = await t.given.organization();
    employee = await t.given.user(org, 'employee');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await t.close();
    await link.down();
  });

  const worker = async () => {
    const started = await startWorker({
      DATABASE_URL: t.databaseUrl,
      REDIS_URL: link.url,
      QUEUE_PREFIX: t.config.jobs.queuePrefix,
      JWT_SECRET: TEST_JWT_SECRET,
      RECEIPTS_DIR: t.config.receipts.dir,
      OCR_WORKERS: '1',
      JOB_LOCK_SECONDS: '4',
      OUTBOX_POLL_MS: '100',
    });
    workers.push(started);
    return started;
  };
  const upload = async () => {
    const spend = await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(employee.accessToken))
      .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
      .expect(201);
    const receipt = await request(t.http)
      .post('/api/v1/receipts')
      .set(bearer(employee.accessToken))
      .field('spend_id', spend.body.id)
      .attach('file', RECEIPT, 'r.jpg')
      .expect(201);
    return receipt.body.id as string;
  };
  const status = async (id: string) =>
    (await request(t.http).get(`/api/v1/receipts/${id}`).set(bearer(employee.accessToken)).expect(200)).body;

  it('the API queues the OCR job and a worker process runs it', async () => {
    const first = await worker();
    const id = await upload();
    const done = await until(
      async () => {
        const receipt = await status(id);
        return receipt.ocr_status === 'done' ? receipt : undefined;
      },
      'OCR done',
      { intervalMs: 25 },
    );
    expect(done).toMatchObject({
      verified: true,
      extracted: expect.objectContaining({ total: '38.34', date: '2026-08-13' }),
    });
    await first.stop('SIGTERM');
  });

  it('a job whose worker is killed mid-way is completed by another worker', async () => {
    const doomed = await worker();
    const id = await upload();
    await until(async () => ((await status(id)).ocr_status === 'processing' ? true : undefined), 'OCR processing', {
      intervalMs: 25,
    });
    await doomed.stop('SIGKILL');
    expect((await status(id)).ocr_status).toBe('processing');

    await worker();
    const done = await until(
      async () => {
        const receipt = await status(id);
        return receipt.ocr_status === 'done' ? receipt : undefined;
      },
      'OCR done by the second worker',
      { intervalMs: 25 },
    );
    expect(done.extracted).toMatchObject({ total: '38.34' });
  });

  it('receipts uploaded while Redis is down are all processed once it is back', async () => {
    await link.down();
    const ids = [await upload(), await upload(), await upload()];
    // The rows wait in the outbox; the dispatcher keeps failing to reach Redis meanwhile.
    await until(
      async () => {
        const [row] = await t.dataSource.query(
          `SELECT max(attempts)::int AS attempts FROM outbox WHERE topic = 'receipt.ocr_requested' AND dispatched_at IS NULL`,
        );
        return row.attempts > 0 ? true : undefined;
      },
      'a failed dispatch attempt',
      { intervalMs: 25 },
    );
    for (const id of ids) expect((await status(id)).ocr_status).toBe('queued');

    await link.up();
    for (const id of ids) {
      await until(
        async () => ((await status(id)).ocr_status === 'done' ? true : undefined),
        `OCR of ${id} after Redis returned`,
        { timeoutMs: 90_000, intervalMs: 25 },
      );
    }
    const [{ pending }] = await t.dataSource.query(
      `SELECT count(*)::int AS pending FROM outbox WHERE topic = 'receipt.ocr_requested' AND dispatched_at IS NULL`,
    );
    expect(pending).toBe(0);
    // Exactly one OCR result was applied per receipt: nothing ran twice.
    const processed: { entity_id: string; runs: number }[] = await t.dataSource.query(
      `SELECT entity_id, count(*)::int AS runs FROM audit_logs WHERE action = 'receipt.processed' AND entity_id = ANY($1::text[]) GROUP BY entity_id`,
      [ids],
    );
    expect(processed.map((row) => row.runs)).toEqual([1, 1, 1]);
  });
});
