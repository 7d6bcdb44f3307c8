import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig } from '../src/config/app-config';
import { S3ReceiptStorage } from '../src/receipts/storage/s3-receipt-storage';
import { RunningApi, RunningWorker, startApi, startWorker } from './helpers/processes';
import { TestS3Server } from './helpers/s3-server';
import { cloneTemplate, dropDatabase } from './setup/suite-database';

const redisUrl = process.env.REDIS_URL;

jest.setTimeout(150_000);

/**
 * A stored report built in another "container": the built API (`dist/src/main.js`, which only
 * dispatches) and the built worker (`dist/src/worker.js`) as separate processes with data
 * directories of their own, sharing only PostgreSQL, Redis and the bucket. The worker builds the
 * file and writes it to the bucket; the API streams it from there. Needs Redis: without it there
 * is no worker.
 */
(redisUrl ? describe : describe.skip)('Stored reports built by a worker process, downloaded from the API', () => {
  const BUCKET = 'spendin-reports';
  const JWT_SECRET = 'stored-reports-secret-stored-reports-secret-01';
  const ADMIN = { email: 'admin@reports.test', password: 'stored-reports-password-1' };
  const database = `spendin_test_srw_${randomBytes(4).toString('hex')}`;
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
    // The API only dispatches (JOBS_IN_API=false): the report can only be built by the worker.
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
    await s3?.close();
    await dropDatabase(database);
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  it('the worker writes the CSV to the bucket and the API streams the same bytes as GET /reports/export', async () => {
    const login = await request(api.url).post('/api/v1/auth/login').send(ADMIN).expect(200);
    const auth = { Authorization: `Bearer ${login.body.access_token}` };
    for (const [amount, date] of [
      ['12.50', '2026-01-10'],
      ['99.99', '2026-02-11'],
    ])
      await request(api.url)
        .post('/api/v1/spends')
        .set(auth)
        .send({ amount, currency: 'USD', spend_date: date, merchant: `Shop ${amount}` })
        .expect(201);

    const queued = await request(api.url)
      .post('/api/v1/reports')
      .set(auth)
      .send({ kind: 'csv', parameters: { from: '2026-01-01', to: '2026-03-31' } })
      .expect(202);
    const deadline = Date.now() + 60_000;
    let report;
    for (;;) {
      report = (await request(api.url).get(`/api/v1/reports/${queued.body.id}`).set(auth).expect(200)).body;
      if (report.status === 'ready' || report.status === 'failed') break;
      if (Date.now() > deadline) throw new Error(`report still ${report.status}:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(report).toMatchObject({ status: 'ready', progress: 100, error_code: null });
    const key = `receipts/${report.sha256.slice(0, 2)}/${report.sha256.slice(2, 4)}/${report.sha256}`;
    expect(await s3.keys(BUCKET)).toContain(key);

    const file = await request(api.url).get(`/api/v1/reports/${report.id}/download`).set(auth).expect(200);
    const expected = await request(api.url)
      .get('/api/v1/reports/export?format=csv&from=2026-01-01&to=2026-03-31')
      .set(auth)
      .expect(200);
    expect(file.text).toBe(expected.text);
    expect(file.text.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(file.headers['content-length']).toBe(String(report.size));
    // Neither process kept a copy on its own disk.
    for (const dir of Object.values(dirs)) expect(existsSync(join(dir, 'receipts'))).toBe(false);

    // The bucket deletes what expiry deletes, and deleting again is no error.
    const settings = AppConfig.fromEnv({ ...s3.env(BUCKET), DATA_DIR: dirs.api }).receipts.s3!;
    const storage = new S3ReceiptStorage(settings);
    try {
      await storage.remove(report.sha256);
      await storage.remove(report.sha256);
      expect(await s3.keys(BUCKET)).not.toContain(key);
    } finally {
      storage.onApplicationShutdown();
    }
  });
});
