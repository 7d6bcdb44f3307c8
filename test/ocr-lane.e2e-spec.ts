import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, mkdirSync, readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { contentPath } from '../src/receipts/storage/receipt-storage';
import { eventually } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const withRedis = Boolean(process.env.REDIS_URL);
/** A synthetic receipt: Evergreen Auto Parts, 2026-08-13, total USD 38.34. */
const EVERGREEN = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

/**
 * Writes `bytes` into a FIFO and closes it, if something has it open for reading: never waits
 * for a reader (a plain open would, and a failed test would then hang at cleanup).
 */
async function feed(fifo: string, bytes: Buffer): Promise<boolean> {
  const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENXIO') return null;
    throw error;
  });
  if (!handle) return false;
  try {
    for (let offset = 0; offset < bytes.length;) {
      try {
        offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * OCR takes seconds a receipt, and a hostile one took a minute; without Redis every job ran in
 * line behind it, so a notification waited for OCR to finish. Here an OCR job is held for as
 * long as the test likes, deterministically: the receipt's stored file is a FIFO, so OCR's read
 * of it blocks until the test writes the bytes. Meanwhile other jobs must run. (With Redis, each
 * consumer has a queue and workers of its own; the same must hold.)
 */
describe(`OCR does not hold up other jobs (${withRedis ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  let manager: TestUser;
  let employee: TestUser;
  let fifo: string;
  let fed = false;
  const receipt = async (id: string) =>
    (await t.as(employee).get(`/receipts/${id}`).expect(200)).body as {
      ocr_status: string;
      extracted: { total: string } | null;
    };
  const ocrRow = async (receiptId: string) =>
    (
      await t.dataSource.query(
        `SELECT dispatched_at FROM outbox WHERE topic = 'receipt.ocr_requested' AND payload->>'receipt_id' = $1`,
        [receiptId],
      )
    )[0] as { dispatched_at: Date | null };

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
    manager = await t.given.user(org, 'manager');
    employee = await t.given.user(org, 'employee', { manager_id: manager.id });
    await t
      .as(org.admin)
      .post('/policies', {
        name: 'The manager approves',
        rules: [{ condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'manager' } }],
      })
      .expect(201);
    // Where local storage keeps these bytes: a FIFO there is taken for the stored file.
    fifo = join(t.config.receipts.dir, ...contentPath(createHash('sha256').update(EVERGREEN).digest('hex')).split('/'));
    mkdirSync(dirname(fifo), { recursive: true });
    execFileSync('mkfifo', [fifo]);
  });
  afterAll(async () => {
    // Whatever happened, never leave an OCR job blocked on the FIFO: the app would not stop.
    if (!fed) fed = await feed(fifo, EVERGREEN).catch(() => false);
    await t?.close();
    await rm(fifo, { force: true });
  });

  it('delivers a notification while an OCR job runs, and the OCR job finishes when it can', async () => {
    const draft = (
      await t
        .as(employee)
        .post('/spends', { amount: '38.34', currency: 'USD', spend_date: '2026-08-13', draft: true })
        .expect(201)
    ).body.id as string;
    const uploaded = (
      await request(t.http)
        .post(`/api/v1/spends/${draft}/receipts`)
        .set(bearer(employee.accessToken))
        .attach('file', EVERGREEN, 'r.jpg')
        .expect(201)
    ).body.id as string;
    // OCR has begun, and waits for the file.
    await eventually(async () => expect((await receipt(uploaded)).ocr_status).toBe('processing'));

    const submitted = (
      await t
        .as(employee)
        .post('/spends', { amount: '12.00', currency: 'USD', spend_date: '2026-08-14', merchant: 'Parking' })
        .expect(201)
    ).body as { id: string; approvals: Array<{ id: string }> };
    await eventually(
      async () => {
        const items = (await t.as(manager).get('/notifications').expect(200)).body.items as Array<{
          type: string;
          entity_id: string;
        }>;
        expect(
          items.find((n) => n.type === 'approval.assigned' && n.entity_id === submitted.approvals[0].id),
        ).toBeDefined();
      },
      { timeoutMs: 15_000 },
    );
    expect((await receipt(uploaded)).ocr_status).toBe('processing');
    // Run here, the row is the job's record: marked only once the job has run.
    if (!withRedis) expect((await ocrRow(uploaded)).dispatched_at).toBeNull();

    fed = await eventually(async () => {
      expect(await feed(fifo, EVERGREEN)).toBe(true);
      return true;
    });
    const read = await eventually(
      async () => {
        const now = await receipt(uploaded);
        expect(now.ocr_status).toBe('done');
        return now;
      },
      { timeoutMs: 45_000 },
    );
    expect(read.extracted).toMatchObject({ total: '38.34' });
    await eventually(async () => expect((await ocrRow(uploaded)).dispatched_at).not.toBeNull());
  });
});
