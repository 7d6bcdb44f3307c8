import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { hasAtLeast } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { OutboxService } from '../../common/outbox/outbox.service';
import { SpendErrors } from '../../spends/spends.errors';
import { SpendsService } from '../../spends/spends.service';
import { ReceiptEffects } from '../../spends/use-cases/receipt-effects';
import { inspectReceiptFile } from '../file-inspection';
import { Receipt } from '../receipt.entity';
import { storageUnavailable } from '../receipts.errors';
import { ReceiptsRepository } from '../receipts.repository';
import { ReceiptStorage, StorageUnavailableError } from '../storage/receipt-storage';

export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
}

/**
 * Attaches a receipt to a spend: the bytes are judged (type by magic numbers, image
 * dimensions), stored content-addressed, and the receipt, the spend's receipt count and
 * the OCR request (an outbox row) commit together. OCR runs later, in a job.
 */
@Injectable()
export class UploadReceipt {
  private readonly logger = new Logger('UploadReceipt');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spends: SpendsService,
    private readonly effects: ReceiptEffects,
    private readonly receipts: ReceiptsRepository,
    private readonly storage: ReceiptStorage,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async execute(actor: Actor, spendId: string, file: UploadedFile | undefined): Promise<Receipt> {
    if (!file || file.buffer.length === 0) {
      throw CommonErrors.VALIDATION_FAILED('Send the receipt as the form field "file"', {
        errors: [{ field: 'file', message: file ? 'is empty' : 'is required' }],
      });
    }
    const spend = await this.spends.findVisible(actor, spendId);
    if (!spend) throw SpendErrors.SPEND_NOT_FOUND(`Spend ${spendId} does not exist`);
    if (spend.userId !== actor.userId && !hasAtLeast(actor.role, 'finance')) {
      throw SpendErrors.NOT_SPEND_OWNER("Receipts are attached by the spend's owner or by finance");
    }
    const mimeType = await inspectReceiptFile(file.buffer);
    // Stored before the transaction: if it then fails, an unreferenced file stays behind,
    // which is harmless (content-addressed, reused by the next upload of the same bytes).
    // If storing fails, nothing has been written to the database yet.
    const sha256 = await this.storage.put(file.buffer).catch((error: unknown) => {
      if (!(error instanceof StorageUnavailableError)) throw error;
      this.logger.warn(`upload for spend ${spendId}: ${error.message}`);
      throw storageUnavailable();
    });

    return this.dataSource.transaction(async (tx) => {
      // Two simultaneous uploads of the same file: the second must see the first.
      await this.receipts.lockHash(tx, actor.organizationId, sha256);
      const original = await this.receipts.findFirstWithHash(tx, actor.organizationId, sha256);
      await this.effects.attach(tx, actor, spendId, { duplicate: original !== null });
      const receipt = await this.receipts.add(tx, {
        organizationId: actor.organizationId,
        spendId,
        uploadedBy: actor.userId,
        filename: cleanFilename(file.originalname, mimeType),
        mimeType,
        size: file.buffer.length,
        sha256,
        ocrStatus: 'queued',
        ocrRun: 1,
        ocrErrorCode: null,
        ocrError: null,
        extracted: null,
        verified: false,
        flags: original ? ['duplicate_receipt'] : [],
        duplicateOf: original?.id ?? null,
        processedAt: null,
      });
      await this.audit.record(tx, actor, {
        action: 'receipt.uploaded',
        entityType: 'receipt',
        entityId: receipt.id,
        metadata: {
          spend_id: spendId,
          filename: receipt.filename,
          mime_type: mimeType,
          size: receipt.size,
          sha256,
          duplicate_of: receipt.duplicateOf,
        },
      });
      await this.outbox.enqueue(tx, actor.organizationId, 'receipt.ocr_requested', {
        receipt_id: receipt.id,
        run: receipt.ocrRun,
      });
      return receipt;
    });
  }
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** The client's file name without directories or control characters, for display only. */
function cleanFilename(name: string | undefined, mimeType: string): string {
  const base =
    (name ?? '')
      .split(/[\\/]/)
      .pop()
      ?.replace(/[\u0000-\u001f\u007f]/g, '')
      .trim()
      .slice(0, 200) ?? '';
  return base || `receipt.${EXTENSIONS[mimeType]}`;
}
