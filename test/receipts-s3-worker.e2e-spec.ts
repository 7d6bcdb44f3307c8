import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RunningApi, RunningWorker, startApi, startWorker } from './helpers/processes';
import { TestS3Server } from './helpers/s3-server';
import { cloneTemplate, dropDatabase } from './setup/suite-database';

const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const redisUrl = process.env.REDIS_URL;

// Two processes boot in seconds each, and OCR takes about one per receipt on a small machine.
jest.setTimeout(150_000);

/**
 * The deployment S3 storage is for: the built API (`dist/src/main.js`) and the built worker
 * (`dist/src/worker.js`) as separate processes, each with a data directory of its own, sharing
 * only PostgreSQL, Redis and the bucket. With receipts on the local disk the worker could not
 * read the API's file and OCR failed with ENOENT. Needs Redis: without it there is no worker.
 */
(redisUrl ? describe : describe.skip)('Receipts in a bucket shared by an API process and a worker process', () => {
  const BUCKET = 'spendin-shared';
  const JWT_SECRET = 'shared-bucket-secret-shared-bucket-secret-0123';
  const ADMIN = { email: 'admin@shared.test', password: 'shared-bucket-password-1' };
  const database = `spendin_test_s3w_${randomBytes(4).toString('hex')}`;
  const dirs = {
    api: mkdtempSync(join(tmpdir(), 'spendin-api-')),
    worker: mkdtempSync(join(tmpdir(), 'spendin-worker-')),
  };
  let s3: TestS3Server;
  let api: RunningApi;
  let worker: RunningWorker;

  beforeAll(async () => {
    s3 = await TestS3Server.start(BUCKET);
    const common = {
      DATABASE_URL: await cloneTemplate(database),
      REDIS_URL: redisUrl!,
      QUEUE_PREFIX: database,
      JWT_SECRET,
      ...s3.env(BUCKET),
      OCR_WORKERS: '1',
      OUTBOX_POLL_MS: '100',
    };
    // The API only dispatches (JOBS_IN_API=false): OCR can only happen in the worker.
    [api, worker] = await Promise.all([
      startApi({
        ...common,
        DATA_DIR: dirs.api,
        JOBS_IN_API: 'false',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      }),
      startWorker({ ...common, DATA_DIR: dirs.worker }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await s3.close();
    await dropDatabase(database);
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  it('the API stores the upload in the bucket, the worker reads it from there, and the receipt is done', async () => {
    const login = await request(api.url).post('/api/v1/auth/login').send(ADMIN).expect(200);
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
    expect(await s3.keys(BUCKET)).toEqual([
      `receipts/${uploaded.body.sha256.slice(0, 2)}/${uploaded.body.sha256.slice(2, 4)}/${uploaded.body.sha256}`,
    ]);

    const deadline = Date.now() + 60_000;
    let receipt;
    for (;;) {
      receipt = (await request(api.url).get(`/api/v1/receipts/${uploaded.body.id}`).set(auth).expect(200)).body;
      if (receipt.ocr_status === 'done' || receipt.ocr_status === 'failed') break;
      if (Date.now() > deadline) throw new Error(`OCR still ${receipt.ocr_status}:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(receipt).toMatchObject({ ocr_status: 'done', ocr_error_code: null, verified: true });
    expect(receipt.extracted).toMatchObject({
      total: '38.34',
      date: '2026-08-13',
      currency: 'USD',
      merchant: expect.stringMatching(/evergreen auto parts/i),
    });

    const ready = await request(api.url).get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({
      queue: { status: 'up', transport: 'redis' },
      storage: { status: 'up', kind: 's3' },
    });
    // Neither process kept a copy of its own: each data directory holds only its JWT secret, if that.
    for (const dir of Object.values(dirs)) {
      expect(existsSync(join(dir, 'receipts'))).toBe(false);
      expect(readdirSync(dir).filter((name) => name !== 'jwt-secret')).toEqual([]);
    }
    expect(worker.output()).not.toContain('ENOENT');
  });
});
