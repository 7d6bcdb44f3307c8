import { Injectable } from '@nestjs/common';
import { ReceiptExtraction, ReceiptMimeType } from './extraction';
import { OcrEngine } from './ocr-engine';
import { parseReceipt } from './receipt-parser';

/** Reads a receipt file into merchant, date, total, currency and tax. */
@Injectable()
export class ReceiptReader {
  constructor(private readonly ocr: OcrEngine) {}

  async extract(bytes: Buffer, mime: ReceiptMimeType): Promise<ReceiptExtraction> {
    const reading = await this.ocr.read(bytes, mime);
    return parseReceipt(reading.text, { wordConfidence: reading.confidence });
  }
}
