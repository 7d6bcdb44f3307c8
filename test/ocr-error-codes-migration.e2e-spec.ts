import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { OcrErrorCodes1733270400000 } from '../migrations/1733270400000-OcrErrorCodes';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const BLANK_PAGE = readFileSync(join(__dirname, 'fixtures', 'receipts', 'blank-page.png'));

/**
 * The migration that gave failed OCR a code: receipts that failed before it carried the raw
 * error, a server path included, and come out of it with a code and that code's sentence.
 */
describe('Migration OcrErrorCodes1733270400000', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('gives failures recorded before it a code, and replaces their raw messages by the sentences', async () => {
    t = await createTestApp();
    const employee = await t.given.user(await t.given.organization(), 'employee');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const spend = await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(employee.accessToken))
        .send({ amount: '1.00', currency: 'USD', spend_date: '2026-08-13', draft: true })
        .expect(201);
      ids.push(
        (
          await request(t.http)
            .post('/api/v1/receipts')
            .set(bearer(employee.accessToken))
            .field('spend_id', spend.body.id)
            .attach('file', BLANK_PAGE, 'b.png')
            .expect(201)
        ).body.id,
      );
    }
    // Let OCR finish before the schema changes under the app.
    for (const id of ids) {
      for (;;) {
        const [row] = await t.dataSource.query(`SELECT ocr_status FROM receipts WHERE id = $1`, [id]);
        if (row.ocr_status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const before = [
      'The document does not look like a receipt: no total could be found',
      "OCR could not read the file: ENOENT: no such file or directory, open '/app/data/receipts/ab/cd/abcd'",
      'OCR could not read the file: PDF not read within 30 s',
      'OCR could not read the file: Unreadable PDF: Invalid PDF structure.',
      'OCR could not read the file: Tesseract worker crashed',
    ];
    const migration = new OcrErrorCodes1733270400000();
    const runner = t.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      for (const [i, id] of ids.entries())
        await runner.query(`UPDATE receipts SET ocr_error = $2 WHERE id = $1`, [id, before[i]]);
      await migration.up(runner);
      const rows: Array<{ id: string; ocr_error_code: string; ocr_error: string }> = await runner.query(
        `SELECT id, ocr_error_code, ocr_error FROM receipts WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const after = ids.map((id) => rows.find((row) => row.id === id)!);
      expect(after.map((row) => [row.ocr_error_code, row.ocr_error])).toEqual([
        ['NOT_A_RECEIPT', 'The document does not look like a receipt: no total could be found'],
        ['FILE_MISSING', "The receipt's file is missing from storage; upload it again"],
        ['TIMEOUT', 'Reading the file took longer than allowed'],
        ['UNREADABLE_FILE', 'The file is damaged or cannot be decoded as an image or a PDF'],
        ['OCR_ENGINE_FAILED', 'OCR failed on the server; run OCR again later'],
      ]);
      await expect(
        runner.query(`UPDATE receipts SET ocr_error_code = 'SOMETHING_ELSE' WHERE id = $1`, [ids[0]]),
      ).rejects.toThrow(/receipts_ocr_error_code_check/);
      await expect(runner.query(`UPDATE receipts SET ocr_error = NULL WHERE id = $1`, [ids[0]])).rejects.toThrow(
        /receipts_ocr_error_check/,
      );
    } finally {
      await runner.release();
    }
  });
});
