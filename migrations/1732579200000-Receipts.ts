import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts: a file attached to a spend, stored content-addressed by SHA-256, and what OCR
 * read off it. `ocr_run` counts OCR requests (upload, reprocess): a job carries the run it
 * was made for, so a stale or repeated job changes nothing.
 */
export class Receipts1732579200000 implements MigrationInterface {
  name = 'Receipts1732579200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE receipts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        spend_id uuid NOT NULL,
        uploaded_by uuid NOT NULL,
        filename text NOT NULL,
        mime_type text NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
        size integer NOT NULL CHECK (size > 0),
        sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        ocr_status text NOT NULL CHECK (ocr_status IN ('queued', 'processing', 'done', 'failed')),
        ocr_run integer NOT NULL DEFAULT 1,
        ocr_error text,
        extracted jsonb,
        verified boolean NOT NULL DEFAULT false,
        flags text[] NOT NULL DEFAULT '{}',
        duplicate_of uuid,
        processed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT receipts_spend_fk FOREIGN KEY (organization_id, spend_id) REFERENCES spends (organization_id, id),
        CONSTRAINT receipts_uploader_fk FOREIGN KEY (organization_id, uploaded_by) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE INDEX receipts_spend_idx ON receipts (organization_id, spend_id, created_at)`);
    // The same file uploaded again in the organization is found by its hash.
    await q.query(`CREATE INDEX receipts_sha256_idx ON receipts (organization_id, sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS receipts`);
  }
}
