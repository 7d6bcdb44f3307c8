import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, SystemActor } from '../../audit/audit.service';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Metrics } from '../../common/metrics/metrics';
import { AppConfig } from '../../config/app-config';
import { JobAttempt, JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { ReceiptEffects } from '../../spends/use-cases/receipt-effects';
import type { ReceiptExtraction } from '../ocr/extraction';
import { OCR_ERROR_MESSAGES, OcrErrorCode, OcrFailure } from '../ocr/ocr-failure';
import { ReceiptReader } from '../ocr/receipt-reader';
import { Receipt } from '../receipt.entity';
import { ReceiptStorage, StorageUnavailableError, StoredFileMissingError } from '../storage/receipt-storage';
import { ReceiptsRepository } from '../receipts.repository';

/**
 * The OCR job: reads the stored file, then records what was read and applies it to the spend.
 * Idempotent: a job names the OCR run it was made for, and does nothing when that run is
 * finished or superseded (a retry after success, a reprocess since). A job whose worker died
 * mid-way finds its receipt `processing` and simply runs again. No transaction is open while
 * OCR runs.
 *
 * A failure is recorded as a stable code and its sentence (`OCR_ERROR_MESSAGES`); what really
 * went wrong is logged, never stored where a client reads it. A file OCR cannot read fails the
 * same way every time, so it is recorded at once; storage that cannot be reached is retried
 * (the job's backoff) and recorded as STORAGE_UNAVAILABLE only when the last try fails.
 */
@Injectable()
export class OcrProcessor implements OnModuleInit {
  private readonly logger = new Logger('OcrProcessor');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly receipts: ReceiptsRepository,
    private readonly storage: ReceiptStorage,
    private readonly reader: ReceiptReader,
    private readonly effects: ReceiptEffects,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'ocr',
      topics: ['receipt.ocr_requested'],
      handle: (job, attempt) => this.process(job, attempt),
      attempts: 6,
      backoffMs: 2_000,
      concurrency: this.config.receipts.ocrWorkers,
      ownLane: true,
    });
  }

  async process(
    job: OutboxJob<'receipt.ocr_requested'>,
    attempt: JobAttempt = { number: 1, last: true },
  ): Promise<void> {
    const { receipt_id: receiptId, run } = job.payload;
    const receipt = await this.start(job.organizationId, receiptId, run);
    if (!receipt) return;

    let extraction: ReceiptExtraction | null = null;
    let failure: OcrErrorCode | null = null;
    const started = process.hrtime.bigint();
    try {
      const bytes = await this.storage.read(receipt.sha256);
      const read = await this.reader.extract(bytes, receipt.mimeType, { receivedAt: receipt.createdAt });
      extraction = read;
      if (!read.is_receipt) failure = 'NOT_A_RECEIPT';
    } catch (error) {
      failure = failureCode(error);
      const message = (error as Error)?.message ?? String(error);
      if (failure === 'STORAGE_UNAVAILABLE' && !attempt.last) {
        this.logger.warn(
          `receipt ${receiptId}: storage unavailable on try ${attempt.number}, to be retried: ${message}`,
        );
        this.metrics.ocrRan('retrying', Number(process.hrtime.bigint() - started) / 1e9);
        throw error;
      }
      this.logger.warn(`receipt ${receiptId}: OCR failed (${failure}): ${message}`);
    }
    // Outcome `done`, or the failure code (a handful of fixed values, OcrErrorCode).
    this.metrics.ocrRan(failure ?? 'done', Number(process.hrtime.bigint() - started) / 1e9);
    await this.finish(job.organizationId, receiptId, run, extraction, failure);
  }

  /** Marks the receipt processing; null when this job's run is finished or superseded. */
  private start(organizationId: string, receiptId: string, run: number): Promise<Receipt | null> {
    return this.dataSource.transaction(async (tx) => {
      const receipt = await this.receipts.lockById(tx, organizationId, receiptId);
      if (!receipt || receipt.ocrRun !== run || receipt.ocrStatus === 'done' || receipt.ocrStatus === 'failed')
        return null;
      // A run whose worker died is still `processing`: nothing changes, nothing is written.
      if (receipt.ocrStatus !== 'processing') {
        receipt.ocrStatus = 'processing';
        await this.receipts.storeOcrState(tx, receipt);
      }
      return receipt;
    });
  }

  private async finish(
    organizationId: string,
    receiptId: string,
    run: number,
    extraction: ReceiptExtraction | null,
    failure: OcrErrorCode | null,
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const receipt = await this.receipts.lockById(tx, organizationId, receiptId);
      if (!receipt || receipt.ocrRun !== run || receipt.ocrStatus !== 'processing') return;
      const actor: SystemActor = { organizationId, userId: null };
      const reading = failure === null && extraction ? extraction : null;
      const otherVerified = await this.receipts.anyOtherVerified(tx, organizationId, receipt.spendId, receipt.id);
      const outcome = await this.effects.applyReading(tx, actor, receipt.spendId, reading, otherVerified);

      await this.receipts.storeOutcome(tx, receipt, {
        ocrStatus: failure === null ? 'done' : 'failed',
        ocrErrorCode: failure,
        ocrError: failure && OCR_ERROR_MESSAGES[failure],
        extracted: extraction,
        verified: outcome.verified,
        flags: [
          ...new Set([
            ...receipt.flags.filter((f) => f !== 'amount_mismatch'),
            ...(outcome.amountMismatch ? ['amount_mismatch'] : []),
          ]),
        ].sort(),
        processedAt: new Date(),
      });
      await this.audit.record(tx, actor, {
        action: 'receipt.processed',
        entityType: 'receipt',
        entityId: receipt.id,
        metadata: {
          spend_id: receipt.spendId,
          run,
          ocr_status: receipt.ocrStatus,
          ocr_error_code: failure,
          verified: outcome.verified,
          amount_mismatch: outcome.amountMismatch,
          filled: outcome.filled,
          extracted: reading
            ? { merchant: reading.merchant, date: reading.date, total: reading.total, currency: reading.currency }
            : null,
        },
      });
      await this.outbox.enqueue(tx, organizationId, 'receipt.processed', {
        receipt_id: receipt.id,
        spend_id: receipt.spendId,
        uploaded_by: receipt.uploadedBy,
        ocr_status: receipt.ocrStatus,
        verified: receipt.verified,
      });
    });
  }
}

/** The class of a failure: known where it was seen (storage, the PDF reader, the engine), else the engine's. */
function failureCode(error: unknown): OcrErrorCode {
  if (error instanceof OcrFailure) return error.code;
  if (error instanceof StoredFileMissingError) return 'FILE_MISSING';
  if (error instanceof StorageUnavailableError) return 'STORAGE_UNAVAILABLE';
  return 'OCR_ENGINE_FAILED';
}
