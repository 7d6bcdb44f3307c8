import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stable code for why OCR failed (`receipts.ocr_error_code`), beside the sentence that
 * clients see (`ocr_error`). Until now `ocr_error` could carry the raw error, a server path
 * included ("ENOENT: no such file or directory, open '/app/data/receipts/…'"): existing
 * failures get the code their message shows and that code's sentence in its place. The
 * sentences are copied here as they are today (src/receipts/ocr/ocr-failure.ts), so that this
 * migration does the same thing whenever it runs.
 */
export class OcrErrorCodes1733270400000 implements MigrationInterface {
  name = 'OcrErrorCodes1733270400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipts ADD COLUMN ocr_error_code text`);
    await q.query(`
      UPDATE receipts SET ocr_error_code = CASE
          WHEN ocr_error LIKE 'The document does not look like a receipt%' THEN 'NOT_A_RECEIPT'
          WHEN ocr_error LIKE '%ENOENT%' THEN 'FILE_MISSING'
          WHEN ocr_error LIKE '%PDF not read within%' THEN 'TIMEOUT'
          WHEN ocr_error LIKE '%Unreadable PDF%' OR ocr_error LIKE '%unsupported image format%' OR ocr_error LIKE '%corrupt%' THEN 'UNREADABLE_FILE'
          ELSE 'OCR_ENGINE_FAILED'
        END
      WHERE ocr_error IS NOT NULL`);
    await q.query(`
      UPDATE receipts SET ocr_error = CASE ocr_error_code
          WHEN 'NOT_A_RECEIPT' THEN 'The document does not look like a receipt: no total could be found'
          WHEN 'FILE_MISSING' THEN 'The receipt''s file is missing from storage; upload it again'
          WHEN 'TIMEOUT' THEN 'Reading the file took longer than allowed'
          WHEN 'UNREADABLE_FILE' THEN 'The file is damaged or cannot be decoded as an image or a PDF'
          ELSE 'OCR failed on the server; run OCR again later'
        END
      WHERE ocr_error_code IS NOT NULL`);
    await q.query(`
      ALTER TABLE receipts
        ADD CONSTRAINT receipts_ocr_error_code_check CHECK (ocr_error_code IN
          ('NOT_A_RECEIPT', 'UNREADABLE_FILE', 'TIMEOUT', 'FILE_MISSING', 'STORAGE_UNAVAILABLE', 'OCR_ENGINE_FAILED')),
        ADD CONSTRAINT receipts_ocr_error_check CHECK ((ocr_error_code IS NULL) = (ocr_error IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receipts DROP COLUMN ocr_error_code`);
  }
}
