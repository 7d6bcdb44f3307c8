import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import { Receipt } from './receipt.entity';

/** What a new receipt is made of; its id and timestamps come from the database. */
export type NewReceipt = Omit<Receipt, 'id' | 'createdAt' | 'updatedAt'>;

/** What OCR decided about a receipt (`finish` of the OCR job). */
export type ReceiptOutcome = Pick<
  Receipt,
  'ocrStatus' | 'ocrErrorCode' | 'ocrError' | 'extracted' | 'verified' | 'flags' | 'processedAt'
>;

/** Receipts, always scoped by organization id. */
@Injectable()
export class ReceiptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    organizationId: string,
    id: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<Receipt | null> {
    const [row] = await runSql<ReceiptRow>(tx, FIND_BY_ID, [organizationId, id]);
    return row ? toReceipt(row) : null;
  }

  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<Receipt | null> {
    const [row] = await runSql<ReceiptRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toReceipt(row) : null;
  }

  /**
   * Serializes the uploads of the same bytes in the organization until the transaction ends:
   * of two simultaneous uploads of one file, the second must see the first.
   */
  async lockHash(tx: EntityManager, organizationId: string, sha256: string): Promise<void> {
    await runSql(tx, LOCK_HASH, [`receipt:${organizationId}:${sha256}`]);
  }

  /** The first receipt of the organization with these bytes, if any. */
  async findFirstWithHash(tx: EntityManager, organizationId: string, sha256: string): Promise<Receipt | null> {
    const [row] = await runSql<ReceiptRow>(tx, FIRST_WITH_HASH, [organizationId, sha256]);
    return row ? toReceipt(row) : null;
  }

  /** Read for every spend answer and list page. */
  async forSpends(
    organizationId: string,
    spendIds: string[],
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<Receipt[]> {
    const rows = await runSql<ReceiptRow>(tx, FOR_SPENDS, [organizationId, spendIds]);
    return rows.map(toReceipt);
  }

  async anyOtherVerified(
    tx: EntityManager,
    organizationId: string,
    spendId: string,
    exceptId: string,
  ): Promise<boolean> {
    const rows = await runSql(tx, ANY_OTHER_VERIFIED, [organizationId, spendId, exceptId]);
    return rows.length > 0;
  }

  async add(tx: EntityManager, r: NewReceipt): Promise<Receipt> {
    const [row] = await runSql<ReceiptRow>(tx, INSERT, [
      r.organizationId,
      r.spendId,
      r.uploadedBy,
      r.filename,
      r.mimeType,
      r.size,
      r.sha256,
      r.ocrStatus,
      r.ocrRun,
      r.ocrErrorCode,
      r.ocrError,
      r.extracted === null ? null : JSON.stringify(r.extracted),
      r.verified,
      r.flags,
      r.duplicateOf,
      r.processedAt,
    ]);
    return toReceipt(row);
  }

  /** Records the receipt's OCR state (`ocrRun`, `ocrStatus`, error), as changed by the caller. */
  async storeOcrState(tx: EntityManager, receipt: Receipt): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, STORE_OCR_STATE, [
      receipt.organizationId,
      receipt.id,
      receipt.ocrRun,
      receipt.ocrStatus,
      receipt.ocrErrorCode,
      receipt.ocrError,
    ]);
    receipt.updatedAt = row.updated_at;
  }

  /** Records what OCR made of the receipt. */
  async storeOutcome(tx: EntityManager, receipt: Receipt, outcome: ReceiptOutcome): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, STORE_OUTCOME, [
      receipt.organizationId,
      receipt.id,
      outcome.ocrStatus,
      outcome.ocrErrorCode,
      outcome.ocrError,
      outcome.extracted === null ? null : JSON.stringify(outcome.extracted),
      outcome.verified,
      outcome.flags,
      outcome.processedAt,
    ]);
    Object.assign(receipt, outcome, { updatedAt: row.updated_at });
  }
}

interface ReceiptRow {
  id: string;
  organization_id: string;
  spend_id: string;
  uploaded_by: string;
  filename: string;
  mime_type: Receipt['mimeType'];
  size: number;
  sha256: string;
  ocr_status: Receipt['ocrStatus'];
  ocr_run: number;
  ocr_error_code: Receipt['ocrErrorCode'];
  ocr_error: string | null;
  extracted: Receipt['extracted'];
  verified: boolean;
  flags: string[];
  duplicate_of: string | null;
  processed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toReceipt(row: ReceiptRow): Receipt {
  return Object.assign(new Receipt(), {
    id: row.id,
    organizationId: row.organization_id,
    spendId: row.spend_id,
    uploadedBy: row.uploaded_by,
    filename: row.filename,
    mimeType: row.mime_type,
    size: row.size,
    sha256: row.sha256,
    ocrStatus: row.ocr_status,
    ocrRun: row.ocr_run,
    ocrErrorCode: row.ocr_error_code,
    ocrError: row.ocr_error,
    extracted: row.extracted,
    verified: row.verified,
    flags: row.flags,
    duplicateOf: row.duplicate_of,
    processedAt: row.processed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const COLUMNS = `id, organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status, ocr_run, ocr_error_code, ocr_error,
                extracted, verified, flags, duplicate_of, processed_at, created_at, updated_at`;

const FIND_BY_ID: Statement = {
  name: 'receipts.find_by_id',
  text: `SELECT ${COLUMNS} FROM receipts WHERE organization_id = $1 AND id = $2`,
};

const LOCK_BY_ID: Statement = {
  name: 'receipts.lock_by_id',
  text: `SELECT ${COLUMNS} FROM receipts WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};

const LOCK_HASH: Statement = {
  name: 'receipts.lock_hash',
  text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
};

const FIRST_WITH_HASH: Statement = {
  name: 'receipts.first_with_hash',
  text: `SELECT ${COLUMNS} FROM receipts WHERE organization_id = $1 AND sha256 = $2 ORDER BY created_at, id LIMIT 1`,
};

/** Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements. */
export const FOR_SPENDS: Statement = {
  name: 'receipts.for_spends',
  text: `SELECT ${COLUMNS} FROM receipts WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY created_at, id`,
};

const ANY_OTHER_VERIFIED: Statement = {
  name: 'receipts.any_other_verified',
  text: `SELECT 1 FROM receipts WHERE organization_id = $1 AND spend_id = $2 AND id <> $3 AND verified LIMIT 1`,
};

const INSERT: Statement = {
  name: 'receipts.insert',
  text: `INSERT INTO receipts (organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status, ocr_run, ocr_error_code,
                           ocr_error, extracted, verified, flags, duplicate_of, processed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::text[], $15, $16)
         RETURNING ${COLUMNS}`,
};

const STORE_OCR_STATE: Statement = {
  name: 'receipts.store_ocr_state',
  text: `UPDATE receipts SET ocr_run = $3, ocr_status = $4, ocr_error_code = $5, ocr_error = $6, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const STORE_OUTCOME: Statement = {
  name: 'receipts.store_outcome',
  text: `UPDATE receipts SET ocr_status = $3, ocr_error_code = $4, ocr_error = $5, extracted = $6::jsonb, verified = $7, flags = $8::text[],
                             processed_at = $9, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
