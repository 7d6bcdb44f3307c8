import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../database/sql';
import { Receipt } from './receipt.entity';

/** Receipts, always scoped by organization id. */
@Injectable()
export class ReceiptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(organizationId: string, id: string, tx: EntityManager = this.dataSource.manager): Promise<Receipt | null> {
    return tx.findOne(Receipt, { where: { organizationId, id } });
  }

  lockById(tx: EntityManager, organizationId: string, id: string): Promise<Receipt | null> {
    return tx
      .getRepository(Receipt)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.organization_id = :organizationId AND r.id = :id', { organizationId, id })
      .getOne();
  }

  /** The first receipt of the organization with these bytes, if any. */
  findFirstWithHash(tx: EntityManager, organizationId: string, sha256: string): Promise<Receipt | null> {
    return tx.findOne(Receipt, { where: { organizationId, sha256 }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Read for every spend answer and list page. */
  async forSpends(
    organizationId: string,
    spendIds: string[],
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Receipt[]> {
    const rows = await runSql<ReceiptRow>(tx, FOR_SPENDS, [organizationId, spendIds]);
    return rows.map((row) =>
      Object.assign(new Receipt(), {
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
      }),
    );
  }

  async anyOtherVerified(
    tx: EntityManager,
    organizationId: string,
    spendId: string,
    exceptId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM receipts WHERE organization_id = $1 AND spend_id = $2 AND id <> $3 AND verified LIMIT 1`,
      [organizationId, spendId, exceptId],
    );
    return rows.length > 0;
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

export const FOR_SPENDS = {
  name: 'receipts.for_spends',
  text: `SELECT id, organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status, ocr_run, ocr_error_code, ocr_error, extracted,
                verified, flags, duplicate_of, processed_at, created_at, updated_at
         FROM receipts WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY created_at, id`,
};
