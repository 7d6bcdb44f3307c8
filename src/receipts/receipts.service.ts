import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { OutboxService } from '../common/outbox/outbox.service';
import { SpendErrors } from '../spends/spends.errors';
import { SpendsService } from '../spends/spends.service';
import { Receipt } from './receipt.entity';
import { ReceiptErrors, storageUnavailable } from './receipts.errors';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptStorage, StorageUnavailableError, StoredFileMissingError } from './storage/receipt-storage';

/** Reading receipts and their files (whoever may see the spend), and asking for OCR again. */
@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger('ReceiptsService');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly receipts: ReceiptsRepository,
    private readonly spends: SpendsService,
    private readonly storage: ReceiptStorage,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** The receipt if the caller may see its spend; 404 otherwise, as for another organization's. */
  async get(actor: Actor, id: string): Promise<Receipt> {
    const receipt = await this.receipts.findById(actor.organizationId, id);
    if (!receipt || !(await this.spends.findVisible(actor, receipt.spendId)))
      throw ReceiptErrors.RECEIPT_NOT_FOUND(`Receipt ${id} does not exist`);
    return receipt;
  }

  async file(actor: Actor, id: string): Promise<{ receipt: Receipt; stream: Readable }> {
    const receipt = await this.get(actor, id);
    try {
      return { receipt, stream: await this.storage.open(receipt.sha256) };
    } catch (error) {
      if (error instanceof StoredFileMissingError)
        throw ReceiptErrors.RECEIPT_FILE_MISSING(`The file of receipt ${id} is missing from storage`);
      if (error instanceof StorageUnavailableError) {
        this.logger.warn(`download of receipt ${id}: ${error.message}`);
        throw storageUnavailable();
      }
      throw error;
    }
  }

  /** The spend's owner or finance; a new OCR run supersedes any earlier one. */
  async reprocess(actor: Actor, id: string): Promise<Receipt> {
    const visible = await this.get(actor, id);
    const spend = await this.spends.findVisible(actor, visible.spendId);
    if (spend?.userId !== actor.userId && !hasAtLeast(actor.role, 'finance')) {
      throw SpendErrors.NOT_SPEND_OWNER("OCR is run again by the spend's owner or by finance");
    }
    return this.dataSource.transaction(async (tx) => {
      const receipt = await this.receipts.lockById(tx, actor.organizationId, id);
      if (!receipt) throw ReceiptErrors.RECEIPT_NOT_FOUND(`Receipt ${id} does not exist`);
      if (receipt.ocrStatus === 'queued' || receipt.ocrStatus === 'processing') {
        throw ReceiptErrors.OCR_IN_PROGRESS(`OCR of this receipt is ${receipt.ocrStatus}; wait for it to finish`);
      }
      const from = receipt.ocrStatus;
      receipt.ocrRun += 1;
      receipt.ocrStatus = 'queued';
      receipt.ocrErrorCode = null;
      receipt.ocrError = null;
      await this.receipts.storeOcrState(tx, receipt);
      await this.audit.record(tx, actor, {
        action: 'receipt.reprocess_requested',
        entityType: 'receipt',
        entityId: id,
        metadata: { from, run: receipt.ocrRun },
      });
      await this.outbox.enqueue(tx, actor.organizationId, 'receipt.ocr_requested', {
        receipt_id: id,
        run: receipt.ocrRun,
      });
      return receipt;
    });
  }
}
