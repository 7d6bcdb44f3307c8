import { Injectable } from '@nestjs/common';
import { ReceiptExtraction, ReceiptMimeType } from './extraction';
import { OcrEngine, OcrReading } from './ocr-engine';
import { mergeReadings } from './receipt-merge';
import { FIELD_THRESHOLD, readFields, withholdUnsure } from './receipt-parser';

export interface ExtractOptions {
  /** When the receipt was received: no sale date on it can be later. */
  receivedAt?: Date;
}

/**
 * Line height of the second look. Tesseract's misreadings of receipt print change with the
 * scale, so a page read again at another one is a second opinion on the fields the first found
 * unsure. On SROIE train, right of 124: totals 105 → 108, dates 106 → 110, with a second look
 * on 26 receipts.
 */
const SECOND_LOOK_LINE_HEIGHT = 24;
/**
 * Under this OCR confidence (or with no receipt found) the first reading failed on the page as
 * a whole, not on a field: the second look then changes how ink is told from paper instead
 * (a receipt on a dark background was read as nothing at all). On SROIE train: one more total,
 * date, merchant and currency right.
 */
const FAILED_PAGE = 0.4;

/** Reads a receipt file into merchant, date, total, currency and tax. */
@Injectable()
export class ReceiptReader {
  constructor(private readonly ocr: OcrEngine) {}

  async extract(bytes: Buffer, mime: ReceiptMimeType, options: ExtractOptions = {}): Promise<ReceiptExtraction> {
    return (await this.extractWithReadings(bytes, mime, options)).extraction;
  }

  /** `extract`, with the OCR readings it was made of (one, or two when a second look was needed). */
  async extractWithReadings(
    bytes: Buffer,
    mime: ReceiptMimeType,
    options: ExtractOptions = {},
  ): Promise<{ extraction: ReceiptExtraction; readings: OcrReading[] }> {
    const referenceDate = (options.receivedAt ?? new Date()).toISOString().slice(0, 10);
    const source = await this.ocr.open(bytes, mime);
    if (source.kind === 'empty') return { extraction: withholdUnsure(readFields('', { referenceDate })), readings: [] };
    if (source.kind === 'text') {
      return {
        extraction: withholdUnsure(readFields(source.reading.text, { wordConfidence: 1, referenceDate })),
        readings: [source.reading],
      };
    }
    const first = await this.ocr.recognize(source.page);
    const fields = readFields(first.text, { wordConfidence: first.confidence, referenceDate });
    if (!needsSecondLook(fields)) return { extraction: withholdUnsure(fields), readings: [first] };
    const failedPage = !fields.is_receipt || first.confidence < FAILED_PAGE;
    const second = await this.ocr.recognize(
      source.page,
      failedPage ? { adaptiveThreshold: true } : { lineHeight: SECOND_LOOK_LINE_HEIGHT },
    );
    const again = readFields(second.text, { wordConfidence: second.confidence, referenceDate });
    return { extraction: withholdUnsure(mergeReadings(fields, again)), readings: [first, second] };
  }
}

/** The total or the date is missing or would be withheld: worth reading the page again. */
function needsSecondLook(fields: ReceiptExtraction): boolean {
  if (!fields.is_receipt) return true;
  return (['total', 'date'] as const).some(
    (f) => fields[f] === null || fields.field_confidence[f] < FIELD_THRESHOLD + 0.1,
  );
}
