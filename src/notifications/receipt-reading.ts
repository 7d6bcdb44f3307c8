/**
 * The part of a receipt's stored OCR result (`receipts.extracted`, jsonb) that a notification
 * quotes. Declared here rather than imported from receipts/ocr: receipts sits above
 * notifications, which learn of a processed receipt from the outbox and read its row, never
 * the receipts module. Amounts are decimal strings, `date` ISO `YYYY-MM-DD`, null when not read.
 */
export interface ReceiptReading {
  merchant: string | null;
  date: string | null;
  total: string | null;
  currency: string | null;
}
