import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { freePort } from './helpers/processes';
import { TestS3Server } from './helpers/s3-server';
import { TcpLink } from './helpers/tcp-link';
import { createTestApp, TestApp } from './helpers/test-app';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'receipts', name));
/** A synthetic receipt: Evergreen Auto Parts, 2026-08-13, total USD 38.34. */
const EVERGREEN = fixture('evergreen-usd-38.34.jpg');
const BLANK_PAGE = fixture('blank-page.png');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const keyOf = (prefix: string, bytes: Buffer) => {
  const hash = sha256(bytes);
  return `${prefix}receipts/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
};

const download = (t: TestApp, user: TestUser, id: string) =>
  request(t.http)
    .get(`/api/v1/receipts/${id}/file`)
    .set(bearer(user.accessToken))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

const settled = (t: TestApp, user: TestUser, id: string) =>
  until(
    async () => {
      const receipt = (await request(t.http).get(`/api/v1/receipts/${id}`).set(bearer(user.accessToken)).expect(200))
        .body;
      return receipt.ocr_status === 'done' || receipt.ocr_status === 'failed' ? receipt : undefined;
    },
    `OCR of ${id} to finish`,
    { intervalMs: 100 },
  );

/**
 * Receipts in an S3 bucket, over the real S3 protocol: s3rver from npm, the real AWS SDK, the
 * whole application. Reached through a TCP link, so that a test can take the bucket away.
 */
describe('Receipts stored in an S3-compatible bucket', () => {
  const BUCKET = 'spendin-receipts';
  const PREFIX = 'acme/';
  let s3: TestS3Server;
  let link: TcpLink;
  let t: TestApp;
  let employee: TestUser;

  beforeAll(async () => {
    s3 = await TestS3Server.start(BUCKET);
    link = new TcpLink(new URL(s3.endpoint));
    await link.up();
    t = await createTestApp({ ...s3.env(BUCKET, link.url), S3_PREFIX: PREFIX });
    employee = await t.given.user(await t.given.organization(), 'employee');
  });
  afterAll(async () => {
    await t.close();
    await link.down();
    await s3.close();
  });

  const spend = async () =>
    (
      await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(employee.accessToken))
        .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
        .expect(201)
    ).body.id as string;
  const upload = (spendId: string, file: Buffer, headers: Record<string, string> = {}) =>
    request(t.http)
      .post('/api/v1/receipts')
      .set(bearer(employee.accessToken))
      .set(headers)
      .field('spend_id', spendId)
      .attach('file', file, 'receipt.jpg');
  const get = (id: string) =>
    request(t.http).get(`/api/v1/receipts/${id}`).set(bearer(employee.accessToken)).expect(200);

  it('stores the upload in the bucket under the prefix, reads it for OCR and serves it back byte for byte', async () => {
    const created = await upload(await spend(), EVERGREEN).expect(201);
    expect(await s3.keys(BUCKET)).toEqual([keyOf(PREFIX, EVERGREEN)]);
    // Nothing on the local disk: the bucket is the only copy.
    expect(existsSync(t.config.receipts.dir)).toBe(false);

    const receipt = await settled(t, employee, created.body.id);
    expect(receipt).toMatchObject({ ocr_status: 'done', ocr_error_code: null, ocr_error: null, verified: true });
    expect(receipt.extracted).toMatchObject({ total: '38.34', date: '2026-08-13', currency: 'USD' });

    const file = await download(t, employee, created.body.id).expect(200);
    expect(file.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(EVERGREEN.length),
      etag: `"${sha256(EVERGREEN)}"`,
    });
    expect(Buffer.compare(file.body as Buffer, EVERGREEN)).toBe(0);
  });

  it('stores the same bytes once: a second upload is a duplicate receipt over the same object', async () => {
    const second = await upload(await spend(), EVERGREEN).expect(201);
    expect(second.body.flags).toEqual(['duplicate_receipt']);
    expect(await s3.keys(BUCKET)).toEqual([keyOf(PREFIX, EVERGREEN)]);
    expect(Buffer.compare((await download(t, employee, second.body.id).expect(200)).body as Buffer, EVERGREEN)).toBe(0);
  });

  it('reports the bucket in /health/ready', async () => {
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.details.storage).toEqual({ status: 'up', kind: 's3' });
  });

  it('records a file gone from the bucket as FILE_MISSING with a sentence, never the key or the server', async () => {
    const created = await upload(await spend(), BLANK_PAGE).expect(201);
    expect((await settled(t, employee, created.body.id)).ocr_error_code).toBe('NOT_A_RECEIPT');
    await s3.remove(BUCKET, keyOf(PREFIX, BLANK_PAGE));

    await request(t.http)
      .post(`/api/v1/receipts/${created.body.id}/reprocess`)
      .set(bearer(employee.accessToken))
      .expect(202);
    const failed = await settled(t, employee, created.body.id);
    expect(failed).toMatchObject({
      ocr_status: 'failed',
      ocr_error_code: 'FILE_MISSING',
      ocr_error: "The receipt's file is missing from storage; upload it again",
      extracted: null,
    });
    const shown = JSON.stringify((await get(created.body.id)).body);
    for (const internal of [BUCKET, `${PREFIX}receipts/`, String(link.port), 'NoSuchKey'])
      expect(shown).not.toContain(internal);
    const missing = await request(t.http)
      .get(`/api/v1/receipts/${created.body.id}/file`)
      .set(bearer(employee.accessToken));
    expectProblem(missing, 500, 'RECEIPT_FILE_MISSING');
    expect(JSON.stringify(missing.body)).not.toContain(BUCKET);
  });

  it('retries OCR while the bucket is unreachable, instead of failing the receipt', async () => {
    const created = await upload(await spend(), EVERGREEN).expect(201);
    await settled(t, employee, created.body.id);
    await link.down();
    try {
      await request(t.http)
        .post(`/api/v1/receipts/${created.body.id}/reprocess`)
        .set(bearer(employee.accessToken))
        .expect(202);
      await until(async () => (await get(created.body.id)).body.ocr_status === 'processing', 'OCR to start', {
        timeoutMs: 15_000,
      });
      // Past the first retry (1 s in-process, 2 s on Bull), still processing: not recorded as failed.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect((await get(created.body.id)).body.ocr_status).toBe('processing');
    } finally {
      await link.up();
    }
    expect(await settled(t, employee, created.body.id)).toMatchObject({
      ocr_status: 'done',
      ocr_error_code: null,
      extracted: expect.objectContaining({ total: '38.34' }),
    });
  });

  it('answers an upload while the bucket is unreachable with 503, writes nothing, and takes the same Idempotency-Key once it is back', async () => {
    const spendId = await spend();
    const other = Buffer.concat([EVERGREEN, Buffer.from('unreachable')]);
    await link.down();
    let refused;
    try {
      refused = await upload(spendId, other, { 'Idempotency-Key': `s3-down-${spendId}` });
    } finally {
      await link.up();
    }
    expectProblem(refused, 503, 'STORAGE_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body.detail).toBe('Receipt storage is unavailable; retry shortly');
    expect(JSON.stringify(refused.body)).not.toMatch(new RegExp(`${BUCKET}|${link.port}|ECONNREFUSED`));
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM receipts WHERE spend_id = $1`, [spendId])).toEqual([
      { n: 0 },
    ]);
    expect(
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'receipt.uploaded' AND metadata->>'spend_id' = $1`,
        [spendId],
      ),
    ).toEqual([{ n: 0 }]);
    const spendNow = (
      await request(t.http).get(`/api/v1/spends/${spendId}`).set(bearer(employee.accessToken)).expect(200)
    ).body;
    expect(spendNow.receipts).toEqual([]);

    const accepted = await upload(spendId, other, { 'Idempotency-Key': `s3-down-${spendId}` }).expect(201);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    expect(await s3.keys(BUCKET)).toContain(keyOf(PREFIX, other));
  });
});

describe('Receipt storage that cannot be used', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await TestS3Server.start('spendin-present');
  });
  afterAll(() => s3.close());

  async function refusedUpload(env: Record<string, string>) {
    const t = await createTestApp(env);
    try {
      const employee = await t.given.user(await t.given.organization(), 'employee');
      const spendId = (
        await request(t.http)
          .post('/api/v1/spends')
          .set(bearer(employee.accessToken))
          .send({ amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
          .expect(201)
      ).body.id;
      const response = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', spendId)
        .attach('file', EVERGREEN, 'r.jpg');
      const [{ receipts }] = await t.dataSource.query(`SELECT count(*)::int AS receipts FROM receipts`);
      const [{ requests }] = await t.dataSource.query(
        `SELECT count(*)::int AS requests FROM outbox WHERE topic = 'receipt.ocr_requested'`,
      );
      const ready = await request(t.http).get('/health/ready');
      return { response, receipts, requests, ready };
    } finally {
      await t.close();
    }
  }

  it('a bucket that does not exist: 503 STORAGE_UNAVAILABLE, nothing in the database, not ready', async () => {
    const { response, receipts, requests, ready } = await refusedUpload(s3.env('spendin-absent'));
    expectProblem(response, 503, 'STORAGE_UNAVAILABLE');
    expect(JSON.stringify(response.body)).not.toMatch(/spendin-absent|NoSuchBucket/);
    expect({ receipts, requests }).toEqual({ receipts: 0, requests: 0 });
    expectProblem(ready, 503, 'SERVICE_UNAVAILABLE');
    expect(ready.body.checks.details.storage).toEqual({ status: 'down', kind: 's3' });
  });

  it('a server nobody listens on: the same', async () => {
    const { response, receipts, requests, ready } = await refusedUpload(
      s3.env('spendin-present', `http://127.0.0.1:${await freePort()}`),
    );
    expectProblem(response, 503, 'STORAGE_UNAVAILABLE');
    expect({ receipts, requests }).toEqual({ receipts: 0, requests: 0 });
    expect(ready.body.checks.details.storage).toEqual({ status: 'down', kind: 's3' });
  });

  it('a server that takes the connection and never answers: the same once S3_TIMEOUT_MS has passed, not a hung upload', async () => {
    const silent = createServer(() => undefined);
    const sockets = new Set<Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const { response, receipts, ready } = await refusedUpload({
        ...s3.env('spendin-present', `http://127.0.0.1:${(silent.address() as { port: number }).port}`),
        S3_TIMEOUT_MS: '300',
      });
      expectProblem(response, 503, 'STORAGE_UNAVAILABLE');
      expect(receipts).toBe(0);
      expect(ready.body.checks.details.storage).toEqual({ status: 'down', kind: 's3' });
      // Three tries of 0.3 s for the upload and as many for the health check, app start included.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('credentials the server does not know: the same, and they are nowhere in the answer', async () => {
    const { response, receipts, ready } = await refusedUpload({
      ...s3.env('spendin-present'),
      S3_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY',
      S3_SECRET_ACCESS_KEY: 'not-the-secret-at-all',
    });
    expectProblem(response, 503, 'STORAGE_UNAVAILABLE');
    expect(JSON.stringify(response.body)).not.toMatch(/AKIAUNKNOWNKEY|not-the-secret-at-all|InvalidAccessKeyId/);
    expect(receipts).toBe(0);
    expect(ready.body.checks.details.storage).toEqual({ status: 'down', kind: 's3' });
  });
});
