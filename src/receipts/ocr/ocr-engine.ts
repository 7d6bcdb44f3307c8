import { dirname, join } from 'node:path';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createScheduler, createWorker, OEM, PSM, Scheduler } from 'tesseract.js';
import { AppConfig } from '../../config/app-config';
import { ReceiptMimeType } from './extraction';
import { OcrFailure } from './ocr-failure';
import { readPdf } from './pdf-receipt';
import { prepareReceiptImage } from './receipt-image';

/** Text read off a document, and how sure OCR was of it (0..1; a PDF text layer is 1). */
export interface OcrReading {
  text: string;
  confidence: number;
}

/**
 * Tesseract (WebAssembly, one thread per worker) behind a job queue. The pool of
 * `receipts.ocrWorkers` workers is started on first use and kept; each holds ~140 MB, so the API
 * process pays nothing until a receipt arrives. Language data comes from the
 * `@tesseract.js-data/eng` package on disk: without `langPath` tesseract.js downloads it, and
 * offline that crashes the process.
 */
@Injectable()
export class OcrEngine implements OnApplicationShutdown {
  private readonly logger = new Logger('OcrEngine');
  private pool: Promise<Scheduler> | null = null;

  constructor(private readonly config: AppConfig) {}

  async read(bytes: Buffer, mime: ReceiptMimeType): Promise<OcrReading> {
    let image = bytes;
    if (mime === 'application/pdf') {
      const pdf = await readPdf(bytes);
      if (pdf.text !== null) return { text: pdf.text, confidence: 1 };
      if (!pdf.pageImage) return { text: '', confidence: 0 };
      image = pdf.pageImage;
    }
    const prepared = await prepareReceiptImage(image).catch((error: Error) => {
      throw new OcrFailure('UNREADABLE_FILE', `The image cannot be decoded: ${error.message}`, error);
    });
    if (!prepared) return { text: '', confidence: 0 };
    try {
      const scheduler = await this.scheduler();
      const result = await scheduler.addJob('recognize', prepared.pgm);
      return { text: result.data.text, confidence: (result.data.confidence ?? 0) / 100 };
    } catch (error) {
      throw new OcrFailure('OCR_ENGINE_FAILED', `Tesseract failed: ${(error as Error)?.message ?? String(error)}`, error);
    }
  }

  /** After the jobs stopped (JobsModule, before shutdown): a running OCR job still has its workers. */
  async onApplicationShutdown(): Promise<void> {
    await this.terminate();
  }

  /** Stops every worker; the next `read` starts a fresh pool. */
  async terminate(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    const scheduler = await pool.catch(() => null);
    await scheduler?.terminate();
  }

  private scheduler(): Promise<Scheduler> {
    if (!this.pool) {
      this.pool = this.startPool();
      // A pool that failed to start is retried on the next receipt, not cached as failed.
      this.pool.catch(() => (this.pool = null));
    }
    return this.pool;
  }

  private async startPool(): Promise<Scheduler> {
    const size = Math.max(1, this.config.receipts.ocrWorkers);
    const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    const scheduler = createScheduler();
    try {
      const workers = await Promise.all(
        Array.from({ length: size }, async () => {
          const worker = await createWorker('eng', OEM.LSTM_ONLY, {
            langPath,
            gzip: true,
            cacheMethod: 'none',
            // Without a handler a failed job rethrows inside tesseract.js's message listener,
            // where nothing can catch it: one bad file would take the process down.
            errorHandler: (error: unknown) => this.logger.warn(`OCR job failed: ${String(error)}`),
          });
          // A receipt is one column of lines; "uniform block" keeps each label on the line of
          // its amount where automatic layout analysis splits them into separate columns.
          await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, user_defined_dpi: '300' });
          return worker;
        }),
      );
      for (const worker of workers) scheduler.addWorker(worker);
      return scheduler;
    } catch (error) {
      await scheduler.terminate();
      throw error;
    }
  }
}
