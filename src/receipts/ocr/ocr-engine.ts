import { dirname, join } from 'node:path';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createWorker, OEM, PSM } from 'tesseract.js';
import { AppConfig } from '../../config/app-config';
import { ReceiptMimeType } from './extraction';
import { OcrFailure } from './ocr-failure';
import { readPdf } from './pdf-receipt';
import { linesOfTsv, missedTallBands, OcrLine, withRecovered } from './ocr-layout';
import { OcrPool } from './ocr-pool';
import { bandImage, inkedRuns, PreparedPage, preparePage, scalePage } from './receipt-image';

/** Text read off a document, and how sure OCR was of it (0..1; a PDF text layer is 1). */
export interface OcrReading {
  text: string;
  confidence: number;
}

/** What a document offers OCR: a PDF's text layer, a page to recognize, or nothing at all. */
export type OcrSource =
  { kind: 'text'; reading: OcrReading } | { kind: 'page'; page: PreparedPage } | { kind: 'empty' };

export interface RecognizeOptions {
  /** Scale the page so its text lines are this many pixels tall (default `TARGET_LINE_HEIGHT`). */
  lineHeight?: number;
  /**
   * Let Tesseract find the ink with its adaptive (Sauvola) threshold instead of the global
   * (Otsu) one: for a page the global threshold failed on, such as a receipt on a dark
   * background, whose light print the global threshold takes for paper. Only the layout
   * analysis sees the binarized page; the recognizer still reads the grey one.
   */
  adaptiveThreshold?: boolean;
}

/**
 * A receipt is one column of lines; "uniform block" keeps each label on the line of its amount
 * where automatic layout analysis splits them into separate columns.
 */
const PAGE_PARAMETERS = { tessedit_pageseg_mode: PSM.SINGLE_BLOCK, user_defined_dpi: '300' };
const LINE_PARAMETERS = { tessedit_pageseg_mode: PSM.SINGLE_LINE, user_defined_dpi: '300', thresholding_method: '0' };
/**
 * A tall line read on its own is kept from this OCR confidence (0..100) up. On SROIE train
 * the shop names and totals recovered so read 85-95; logos and stamps read as letters, under 75.
 */
const RECOVERED_LINE_CONFIDENCE = 80;

/**
 * Tesseract (WebAssembly, one thread per worker) behind a job queue (`OcrPool`). The pool of
 * `receipts.ocrWorkers` workers is started on first use and kept; each holds ~140 MB, so the API
 * process pays nothing until a receipt arrives. Language data comes from the
 * `@tesseract.js-data/eng` package on disk: without `langPath` tesseract.js downloads it, and
 * offline that crashes the process.
 */
@Injectable()
export class OcrEngine implements OnApplicationShutdown {
  private readonly logger = new Logger('OcrEngine');
  private pool: Promise<OcrPool> | null = null;

  constructor(private readonly config: AppConfig) {}

  /** Opens a document once: its text layer, or its (first) page prepared for recognition. */
  async open(bytes: Buffer, mime: ReceiptMimeType): Promise<OcrSource> {
    let image = bytes;
    if (mime === 'application/pdf') {
      const pdf = await readPdf(bytes);
      if (pdf.text !== null) return { kind: 'text', reading: { text: pdf.text, confidence: 1 } };
      if (!pdf.pageImage) return { kind: 'empty' };
      image = pdf.pageImage;
    }
    const page = await preparePage(image).catch((error: Error) => {
      throw new OcrFailure('UNREADABLE_FILE', `The image cannot be decoded: ${error.message}`, error);
    });
    return page ? { kind: 'page', page } : { kind: 'empty' };
  }

  /**
   * Recognizes a prepared page: the page as one block, then each band of tall print the block
   * missed (a shop name or a total printed double height), read as a line of its own.
   */
  async recognize(page: PreparedPage, options: RecognizeOptions = {}): Promise<OcrReading> {
    try {
      return await this.recognizePage(page, options);
    } catch (error) {
      if (error instanceof OcrFailure) throw error;
      throw new OcrFailure(
        'OCR_ENGINE_FAILED',
        `Tesseract failed: ${(error as Error)?.message ?? String(error)}`,
        error,
      );
    }
  }

  private async recognizePage(page: PreparedPage, options: RecognizeOptions): Promise<OcrReading> {
    const image = await scalePage(page, options.lineHeight);
    const pool = await this.workers();
    const parameters = { ...PAGE_PARAMETERS, thresholding_method: options.adaptiveThreshold ? '2' : '0' };
    const result = await pool.run(parameters, (worker) => worker.recognize(image.pgm, {}, { text: false, tsv: true }));
    const lines = linesOfTsv(result.data.tsv ?? '');
    const scale = image.height / page.height;
    const recovered: OcrLine[] = [];
    for (const band of missedTallBands(
      inkedRuns(page.pixels, page.width, page.height),
      page.lineHeight,
      lines,
      scale,
    )) {
      const line = await pool.run(LINE_PARAMETERS, async (worker) =>
        worker.recognize((await bandImage(page, band)).pgm),
      );
      const text = line.data.text.replace(/\s+/g, ' ').trim();
      if (text && (line.data.confidence ?? 0) >= RECOVERED_LINE_CONFIDENCE)
        recovered.push({ top: band.top * scale, bottom: band.bottom * scale, text });
    }
    const text = withRecovered(lines, recovered)
      .map((l) => l.text)
      .join('\n');
    return { text, confidence: (result.data.confidence ?? 0) / 100 };
  }

  /** After the jobs stopped (JobsModule, before shutdown): a running OCR job still has its workers. */
  async onApplicationShutdown(): Promise<void> {
    await this.terminate();
  }

  /** Stops every worker; the next `recognize` starts a fresh pool. */
  async terminate(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    const workers = await pool.catch(() => null);
    await workers?.terminate();
  }

  private workers(): Promise<OcrPool> {
    if (!this.pool) {
      this.pool = this.startPool();
      // A pool that failed to start is retried on the next receipt, not cached as failed.
      this.pool.catch(() => (this.pool = null));
    }
    return this.pool;
  }

  private async startPool(): Promise<OcrPool> {
    const size = Math.max(1, this.config.receipts.ocrWorkers);
    const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    const started = await Promise.allSettled(
      Array.from({ length: size }, () =>
        createWorker('eng', OEM.LSTM_ONLY, {
          langPath,
          gzip: true,
          cacheMethod: 'none',
          // Without a handler a failed job rethrows inside tesseract.js's message listener,
          // where nothing can catch it: one bad file would take the process down.
          errorHandler: (error: unknown) => this.logger.warn(`OCR job failed: ${String(error)}`),
        }),
      ),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
      throw failed.reason;
    }
    return new OcrPool(workers);
  }
}
