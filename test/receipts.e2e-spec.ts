import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { blankPagePdf, pdfOf } from './helpers/pdf';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'receipts', name));
/** A synthetic receipt: Evergreen Auto Parts, 2026-08-13, total USD 38.34. */
const EVERGREEN = fixture('evergreen-usd-38.34.jpg');
const BLANK_PAGE = fixture('blank-page.png');

/** A valid PNG header claiming the given dimensions, with a tiny body: a decompression bomb's shape. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Receipts end to end: upload judged by its bytes, OCR in the background with real
 * tesseract.js on a real image, and what the reading does to the spend.
 */
describe('Receipts and OCR', () => {
  let t: TestApp;
  let org: TestOrganization;
  let admin: TestUser;
  let manager: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let finance: TestUser;
  let outsider: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Acme');
    admin = org.admin;
    manager = await t.given.user(org, 'manager');
    employee = await t.given.user(org, 'employee', { manager_id: manager.id });
    colleague = await t.given.user(org, 'employee');
    finance = await t.given.user(org, 'finance');
    outsider = await t.given.organization('Other Co');
  });
  afterAll(() => t.close());
  const upload = (user: TestUser, spendId: string, file: Buffer = EVERGREEN, filename = 'evergreen.jpg') =>
    request(t.http)
      .post('/api/v1/receipts')
      .set(bearer(user.accessToken))
      .field('spend_id', spendId)
      .attach('file', file, filename);
  const removePolicy = (id: string) =>
    request(t.http).delete(`/api/v1/policies/${id}`).set(bearer(admin.accessToken)).expect(200);

  /** Polls until OCR has finished (done or failed). */
  const settled = (user: TestUser, receiptId: string) =>
    until(
      async () => {
        const receipt = (await t.as(user).get(`/receipts/${receiptId}`).expect(200)).body;
        return receipt.ocr_status === 'done' || receipt.ocr_status === 'failed' ? receipt : undefined;
      },
      `OCR of ${receiptId} to finish`,
      { intervalMs: 100 },
    );

  describe('a receipt read by OCR', () => {
    let draftId: string;
    let receiptId: string;

    it('answers 201 at once with ocr_status queued, the SHA-256 of the bytes and a download URL', async () => {
      draftId = (await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true })).id;
      const response = await upload(employee, draftId).expect(201);
      receiptId = response.body.id;
      expect(response.body).toMatchObject({
        spend_id: draftId,
        filename: 'evergreen.jpg',
        mime_type: 'image/jpeg',
        size: EVERGREEN.length,
        ocr_status: 'queued',
        sha256: createHash('sha256').update(EVERGREEN).digest('hex'),
        file_url: `/api/v1/receipts/${receiptId}/file`,
        extracted: null,
        verified: false,
        flags: [],
        uploaded_by: employee.id,
      });
    });

    it("reads merchant, date, total and currency, verifies the receipt and fills the draft's empty merchant", async () => {
      const receipt = await settled(employee, receiptId);
      expect(receipt).toMatchObject({ ocr_status: 'done', verified: true, ocr_error: null });
      expect(receipt.extracted).toMatchObject({
        total: '38.34',
        date: '2026-08-13',
        currency: 'USD',
        merchant: expect.stringMatching(/evergreen auto parts/i),
      });
      expect(receipt.extracted.raw_text).toMatch(/evergreen/i);
      expect(receipt.extracted.confidence).toBeGreaterThan(0.3);
      const draft = (await t.as(employee).get(`/spends/${draftId}`).expect(200)).body;
      expect(draft.merchant).toMatch(/evergreen auto parts/i);
      expect(draft.receipts).toEqual([expect.objectContaining({ id: receiptId, ocr_status: 'done', verified: true })]);
      const audited: Array<{ action: string }> = await t.dataSource.query(
        `SELECT action FROM audit_logs WHERE entity_id IN ($1, $2) ORDER BY seq`,
        [receiptId, draftId],
      );
      expect(audited.map((a) => a.action)).toEqual(
        expect.arrayContaining(['receipt.uploaded', 'receipt.processed', 'spend.receipt_applied']),
      );
    });

    it('serves the stored bytes to whoever may see the spend, and 404 to anyone else', async () => {
      const download = await t
        .as(employee)
        .get(`/receipts/${receiptId}/file`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(download.headers['content-type']).toBe('image/jpeg');
      expect(Buffer.compare(download.body as Buffer, EVERGREEN)).toBe(0);
      await t.as(manager).get(`/receipts/${receiptId}/file`).expect(200);
      await t.as(finance).get(`/receipts/${receiptId}`).expect(200);
      expectProblem(await t.as(colleague).get(`/receipts/${receiptId}/file`), 404, 'RECEIPT_NOT_FOUND');
      expectProblem(await t.as(colleague).get(`/receipts/${receiptId}`), 404, 'RECEIPT_NOT_FOUND');
      expectProblem(await t.as(outsider.admin).get(`/receipts/${receiptId}/file`), 404, 'RECEIPT_NOT_FOUND');
      expectProblem(await request(t.http).get(`/api/v1/receipts/${receiptId}/file`), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('flags the same file uploaded again in the organization as duplicate_receipt', async () => {
      const other = await t.given.spend(colleague, { spend_date: '2026-08-13', draft: true, amount: '1.00' });
      const response = await upload(colleague, other.id).expect(201);
      expect(response.body).toMatchObject({ flags: ['duplicate_receipt'], duplicate_of: receiptId });
      expect((await t.as(colleague).get(`/spends/${other.id}`).expect(200)).body.flags).toContain('duplicate_receipt');
      // Stored once: content-addressed.
      expect(
        await t.dataSource.query(`SELECT count(DISTINCT sha256)::int AS n FROM receipts WHERE sha256 = $1`, [
          response.body.sha256,
        ]),
      ).toEqual([{ n: 1 }]);
    });

    it('runs OCR again on request by the owner, refuses while it is queued, and refuses others', async () => {
      const again = await t.as(employee).post(`/receipts/${receiptId}/reprocess`).expect(202);
      expect(again.body).toMatchObject({ id: receiptId, ocr_status: 'queued', extracted: null });
      const busy = await t.as(employee).post(`/receipts/${receiptId}/reprocess`);
      if (busy.status !== 202) expectProblem(busy, 409, 'OCR_IN_PROGRESS');
      expectProblem(await t.as(manager).post(`/receipts/${receiptId}/reprocess`), 403, 'NOT_SPEND_OWNER');
      expectProblem(await t.as(colleague).post(`/receipts/${receiptId}/reprocess`), 404, 'RECEIPT_NOT_FOUND');
      const receipt = await settled(employee, receiptId);
      expect(receipt).toMatchObject({
        ocr_status: 'done',
        verified: true,
        extracted: expect.objectContaining({ total: '38.34' }),
      });
      const [{ ocr_run: run }] = await t.dataSource.query(`SELECT ocr_run FROM receipts WHERE id = $1`, [receiptId]);
      expect(run).toBe(2);
    });
  });

  describe('what the reading does to a submitted spend', () => {
    it('flags amount_mismatch and runs the policies again: a rule on the flag now asks finance', async () => {
      const rules = await t.given.policy(admin, [
        { id: 'receipt', condition: { amount_gt: 10 }, action: { type: 'require_receipt' }, priority: 1 },
        {
          id: 'mismatch',
          condition: { flags_contains: 'amount_mismatch' },
          action: { type: 'require_approval', approver: 'finance' },
          priority: 2,
        },
      ]);
      try {
        const pending = await t.given.spend(employee, { spend_date: '2026-08-13', amount: '40.00' });
        expect(pending.status).toBe('pending_approval');
        const before = (await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body;
        expect(before.policy_evaluation).toMatchObject({ awaiting_receipt: true });
        expect(before.flags).toContain('missing_receipt');

        const receipt = await settled(employee, (await upload(employee, pending.id).expect(201)).body.id);
        expect(receipt).toMatchObject({ ocr_status: 'done', verified: false });
        expect(receipt.flags).toContain('amount_mismatch');
        const after = (await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body;
        expect(after.status).toBe('pending_approval');
        expect(after.flags).toEqual(expect.arrayContaining(['amount_mismatch']));
        expect(after.flags).not.toContain('missing_receipt');
        expect(after.policy_evaluation).toMatchObject({ awaiting_receipt: false });
        expect(after.approvals).toEqual([
          expect.objectContaining({ status: 'pending', approver: { user_id: null, role: 'finance' } }),
        ]);
      } finally {
        await removePolicy(rules.id);
      }
    });

    it('approves a spend that only waited for its receipt once a matching receipt is read', async () => {
      const rules = await t.given.policy(admin, [
        { id: 'receipt', condition: { amount_gt: 10 }, action: { type: 'require_receipt' }, priority: 1 },
      ]);
      try {
        const pending = await t.given.spend(employee, {
          amount: '38.34',
          spend_date: '2026-08-13',
          merchant: 'Evergreen Auto Parts',
        });
        expect(pending.status).toBe('pending_approval');
        await settled(employee, (await upload(employee, pending.id, EVERGREEN, 'again.jpg').expect(201)).body.id);
        const after = (await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body;
        expect(after).toMatchObject({ status: 'approved', policy_evaluation: { awaiting_receipt: false } });
        expect(after.flags).not.toContain('amount_mismatch');
      } finally {
        await removePolicy(rules.id);
      }
    });
  });

  it('keeps a spend pending when every approver said yes but its receipt is missing, and approves it when the receipt is read', async () => {
    const rules = await t.given.policy(admin, [
      { id: 'receipt', condition: { amount_gt: 10 }, action: { type: 'require_receipt' }, priority: 1 },
      {
        id: 'manager',
        condition: { amount_gt: 10 },
        action: { type: 'require_approval', approver: 'manager' },
        priority: 2,
      },
    ]);
    try {
      const pending = await t.given.spend(employee, {
        amount: '38.34',
        spend_date: '2026-08-13',
        merchant: 'Evergreen Auto Parts',
      });
      const step = (await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body.approvals[0];
      const decision = await t.as(manager).post(`/approvals/${step.id}/decision`, { approved: true }).expect(200);
      expect(decision.body).toEqual({
        status: 'ok',
        subject_type: 'spend',
        subject_id: pending.id,
        subject_status: 'pending_approval',
        spend_status: 'pending_approval',
      });
      expect((await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body.status).toBe('pending_approval');

      await settled(employee, (await upload(employee, pending.id, EVERGREEN, 'late.jpg').expect(201)).body.id);
      const after = (await t.as(employee).get(`/spends/${pending.id}`).expect(200)).body;
      expect(after.status).toBe('approved');
      // The manager's approval counted: nobody was asked twice.
      expect(after.approvals).toEqual([expect.objectContaining({ status: 'approved', decided_by: manager.id })]);
    } finally {
      await removePolicy(rules.id);
    }
  });

  it('answers a page that is not a receipt as failed with a reason, never a made-up total', async () => {
    const draft = await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true });
    const receipt = await settled(
      employee,
      (await upload(employee, draft.id, BLANK_PAGE, 'blank.png').expect(201)).body.id,
    );
    expect(receipt).toMatchObject({
      ocr_status: 'failed',
      extracted: null,
      verified: false,
      ocr_error_code: 'NOT_A_RECEIPT',
      ocr_error: 'The document does not look like a receipt: no total could be found',
    });
  });

  describe('a failure to read the stored file', () => {
    /** A page of one colour: bytes no other test uploads, so that removing its file touches nobody else's receipt. */
    const page = () =>
      sharp({
        create: {
          width: 64,
          height: 64,
          channels: 3,
          background: { r: randomInt(256), g: randomInt(256), b: randomInt(256) },
        },
      })
        .png()
        .toBuffer();
    const storedPath = (sha256: string) => join(t.config.receipts.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

    async function failedAfter(damage: (path: string) => void) {
      const draft = await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true });
      const uploaded = (await upload(employee, draft.id, await page(), 'page.png').expect(201)).body;
      await settled(employee, uploaded.id);
      damage(storedPath(uploaded.sha256));
      await t.as(employee).post(`/receipts/${uploaded.id}/reprocess`).expect(202);
      return settled(employee, uploaded.id);
    }

    it('a file gone from the disk is FILE_MISSING with a sentence; the client never sees the path or the system error', async () => {
      const receipt = await failedAfter((path) => rmSync(path));
      expect(receipt).toMatchObject({
        ocr_status: 'failed',
        ocr_error_code: 'FILE_MISSING',
        ocr_error: "The receipt's file is missing from storage; upload it again",
      });
      const shown = JSON.stringify([
        receipt,
        (await t.as(employee).get(`/spends/${receipt.spend_id}`).expect(200)).body,
      ]);
      expect(shown).not.toMatch(/ENOENT|no such file/);
      expect(shown).not.toContain(t.config.receipts.dir);
      expect(shown).not.toContain(t.config.dataDir);
      const [audit] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE action = 'receipt.processed' AND entity_id = $1 ORDER BY seq DESC LIMIT 1`,
        [receipt.id],
      );
      expect(audit.metadata).toMatchObject({ ocr_status: 'failed', ocr_error_code: 'FILE_MISSING' });
      expect(JSON.stringify(audit.metadata)).not.toContain(t.config.receipts.dir);
      const download = await t.as(employee).get(`/receipts/${receipt.id}/file`);
      expectProblem(download, 500, 'RECEIPT_FILE_MISSING');
      expect(JSON.stringify(download.body)).not.toContain(t.config.receipts.dir);
    });

    it("bytes that no longer decode are UNREADABLE_FILE, with the decoder's message kept out of the answer", async () => {
      const receipt = await failedAfter((path) => writeFileSync(path, randomBytes(4096)));
      expect(receipt).toMatchObject({
        ocr_status: 'failed',
        ocr_error_code: 'UNREADABLE_FILE',
        ocr_error: 'The file is damaged or cannot be decoded as an image or a PDF',
        extracted: null,
      });
      expect(JSON.stringify(receipt)).not.toMatch(/unsupported image format|Input buffer/i);
    });
  });

  it('accepts the upload at POST /spends/{id}/receipts too, and replays it for the same Idempotency-Key', async () => {
    const draft = await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true });
    const send = () =>
      request(t.http)
        .post(`/api/v1/spends/${draft.id}/receipts`)
        .set(bearer(employee.accessToken))
        .set('Idempotency-Key', `receipt-${draft.id}`)
        .attach('file', EVERGREEN, 'r.jpg');
    const first = await send().expect(201);
    const replay = await send().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM receipts WHERE spend_id = $1`, [draft.id])).toEqual(
      [{ n: 1 }],
    );
    expectProblem(
      await request(t.http)
        .post(`/api/v1/spends/${draft.id}/receipts`)
        .set(bearer(employee.accessToken))
        .field('spend_id', draft.id)
        .attach('file', EVERGREEN, 'r.jpg'),
      422,
      'VALIDATION_FAILED',
    );
  });

  describe('refusals', () => {
    let draftId: string;
    beforeAll(async () => {
      draftId = (await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true })).id;
    });
    const count = async () =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM receipts WHERE spend_id = $1`, [draftId]))[0]
        .n as number;

    it('judges the type by the bytes: a GIF named .jpg and sent as image/jpeg is 415', async () => {
      const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
      const response = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', draftId)
        .attach('file', gif, { filename: 'receipt.jpg', contentType: 'image/jpeg' });
      expectProblem(response, 415, 'UNSUPPORTED_FILE_TYPE');
      expect(response.body.detail).toMatch(/image\/gif/);
      expectProblem(
        await upload(employee, draftId, Buffer.from('hello, I am a text file'), 'receipt.pdf'),
        415,
        'UNSUPPORTED_FILE_TYPE',
      );
      expect(await count()).toBe(0);
    });

    it('refuses a file over 10 MB with 413 FILE_TOO_LARGE', async () => {
      const big = Buffer.concat([EVERGREEN, Buffer.alloc(10 * 1024 * 1024)]);
      expectProblem(await upload(employee, draftId, big), 413, 'FILE_TOO_LARGE');
      expect(await count()).toBe(0);
    });

    it('refuses an image of absurd dimensions (a decompression bomb) from its header alone', async () => {
      const response = await upload(employee, draftId, pngClaiming(30_000, 30_000), 'bomb.png');
      expectProblem(response, 422, 'IMAGE_TOO_LARGE');
      expect(response.body.detail).toMatch(/30000×30000/);
    });

    it('refuses a PDF of a few hundred bytes whose page OCR would render 264,000 pixels long, by its bytes alone', async () => {
      // Accepted before: OCR rendered it at 2000×264,000 px, 4 GB of memory, and (without Redis)
      // every job behind it waited.
      const bomb = blankPagePdf(333, 44000);
      expect(bomb.length).toBeLessThan(500);
      const response = await upload(employee, draftId, bomb, 'receipt.pdf');
      expectProblem(response, 422, 'PAGE_TOO_LARGE');
      expect(response.body.detail).toBe(
        'A page of the PDF is 333×44000 points; receipts may have pages of at most 14400 points (200 inches) a side, at most 50 times as long as wide',
      );
      // As long as it may be, but far narrower: a strip.
      expectProblem(await upload(employee, draftId, blankPagePdf(100, 6000), 'strip.pdf'), 422, 'PAGE_TOO_LARGE');
      // The page size given by reference, or scaled by UserUnit, is the page size too.
      const referenced = pdfOf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>',
        '[0 0 333 44000]',
      ]);
      expectProblem(await upload(employee, draftId, referenced, 'referenced.pdf'), 422, 'PAGE_TOO_LARGE');
      const scaled = pdfOf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /UserUnit 75000 >>',
      ]);
      expectProblem(await upload(employee, draftId, scaled, 'scaled.pdf'), 422, 'PAGE_TOO_LARGE');
      expect(await count()).toBe(0);
    });

    it('takes a long till roll as a PDF (80 mm wide, 4 m long), and OCR gets to the end of it', async () => {
      const roll = await upload(
        employee,
        (await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true })).id,
        blankPagePdf(227, 11340),
        'roll.pdf',
      ).expect(201);
      expect(roll.body).toMatchObject({ mime_type: 'application/pdf', ocr_status: 'queued' });
      // Rendered as asked (6 px a point), the page would be 1362×68040 px, 93 megapixels; the
      // cap makes it 327×16,384 (src/receipts/ocr/pdf-receipt.ocr-spec.ts measures that).
      expect(await settled(employee, roll.body.id)).toMatchObject({
        ocr_status: 'failed',
        ocr_error_code: 'NOT_A_RECEIPT',
      });
    });

    it("refuses another organization's spend and a spend the caller cannot see with 404", async () => {
      const foreign = await t.given.spend(outsider.admin, { amount: '38.34', spend_date: '2026-08-13', draft: true });
      expectProblem(await upload(employee, foreign.id), 404, 'SPEND_NOT_FOUND');
      expectProblem(await upload(colleague, draftId), 404, 'SPEND_NOT_FOUND');
    });

    it('lets only the owner or finance attach: a manager who can see the spend gets 403', async () => {
      expectProblem(await upload(manager, draftId), 403, 'NOT_SPEND_OWNER');
      await upload(finance, draftId, BLANK_PAGE, 'by-finance.png').expect(201);
    });

    it('refuses a cancelled spend with 409', async () => {
      const cancelled = await t.given.spend(employee, { amount: '38.34', spend_date: '2026-08-13', draft: true });
      await t.as(employee).post(`/spends/${cancelled.id}/cancel`).expect(200);
      expectProblem(await upload(employee, cancelled.id), 409, 'SPEND_CLOSED');
    });

    it('validates the form: file and spend_id required, unknown fields refused, JSON is not an upload', async () => {
      const noFile = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', draftId);
      expectProblem(noFile, 422, 'VALIDATION_FAILED');
      expect(noFile.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
      const noSpend = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .attach('file', EVERGREEN, 'r.jpg');
      expectProblem(noSpend, 422, 'VALIDATION_FAILED');
      expect(noSpend.body.errors).toEqual([expect.objectContaining({ field: 'spend_id' })]);
      expectProblem(
        await request(t.http)
          .post('/api/v1/receipts')
          .set(bearer(employee.accessToken))
          .field('spend_id', draftId)
          .field('amount', '5')
          .attach('file', EVERGREEN, 'r.jpg'),
        422,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await request(t.http)
          .post('/api/v1/receipts')
          .set(bearer(employee.accessToken))
          .field('spend_id', draftId)
          .attach('file', EVERGREEN, 'a.jpg')
          .attach('other', EVERGREEN, 'b.jpg'),
        422,
        'VALIDATION_FAILED',
      );
      expectProblem(await t.as(employee).post('/receipts', { spend_id: draftId }), 400, 'UNSUPPORTED_CONTENT_TYPE');
      expectProblem(
        await request(t.http).post('/api/v1/receipts').field('spend_id', draftId).attach('file', EVERGREEN, 'r.jpg'),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      expectProblem(await t.as(employee).get('/receipts/not-a-uuid'), 422, 'VALIDATION_FAILED');
    });
  });
});
