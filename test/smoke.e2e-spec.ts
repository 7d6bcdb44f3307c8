import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eventually } from './helpers/eventually';
import { RunningApi, startApi } from './helpers/processes';

const PASSWORD = 'smoke-first-start-password';
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

/**
 * What a newcomer does first, on the built API as `npm start` runs it, with the embedded
 * database and in-process jobs: start, log in, create a spend, upload its receipt and see OCR
 * read it. `.ci/run` runs this file again on other Node versions, with that Node running the API.
 */
describe(`Smoke test on Node ${process.version}`, () => {
  let dataDir: string;
  let api: RunningApi;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'spendin-smoke-'));
    chmodSync(dataDir, 0o755);
    // As `npm start` on a laptop: no DATABASE_URL, no REDIS_URL (the API runs the OCR job itself).
    api = await startApi(
      { DATA_DIR: dataDir, REDIS_URL: undefined, ADMIN_EMAIL: 'admin@smoke.test', ADMIN_PASSWORD: PASSWORD },
      120_000,
    );
  }, 150_000);
  afterAll(async () => {
    expect((await api?.stop())?.code).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, logs in, records a spend and reads its receipt', async () => {
    await request(api.url).get('/health/ready').expect(200);
    const login = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@smoke.test', password: PASSWORD })
      .expect(200);
    const auth = { Authorization: `Bearer ${login.body.access_token}` };

    const spend = await request(api.url)
      .post('/api/v1/spends')
      .set(auth)
      .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', merchant: 'Evergreen', draft: true })
      .expect(201);
    expect(spend.body).toMatchObject({ amount: '38.34', currency: 'USD', status: 'draft' });

    const upload = await request(api.url)
      .post('/api/v1/receipts')
      .set(auth)
      .field('spend_id', spend.body.id)
      .attach('file', RECEIPT, { filename: 'receipt.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(upload.body.ocr_status).toBe('queued');

    const read = await eventually(
      async () => {
        const receipt = await request(api.url).get(`/api/v1/receipts/${upload.body.id}`).set(auth).expect(200);
        expect(receipt.body.ocr_status).toBe('done');
        return receipt.body;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(read.extracted.total).toBe('38.34');
    const file = await request(api.url)
      .get(`/api/v1/receipts/${upload.body.id}/file`)
      .set(auth)
      .buffer(true)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, RECEIPT)).toBe(0);
  }, 150_000);
});
