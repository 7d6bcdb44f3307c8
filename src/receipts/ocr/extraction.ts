/** File types a receipt may have, judged by its bytes. */
export type ReceiptMimeType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/**
 * Confidence 0..1 of each extracted field (0 when the field was not found). A field under the
 * parser's threshold (0.5) is withheld: its value is null and its confidence stays here.
 */
export interface FieldConfidence {
  merchant: number;
  date: number;
  total: number;
  currency: number;
  tax: number;
}

/**
 * What OCR read off one receipt. Amounts are decimal strings with the currency's own number of
 * decimals ("12.50" USD, "4340" JPY); `date` is ISO `YYYY-MM-DD`; `currency` an ISO 4217 code.
 * A field that could not be read, or was read too unsure to give, is null, never a guess
 * dressed up as a value.
 */
export interface ReceiptExtraction {
  /** false: the document is not a receipt (no total could be found, …); the fields are then null. */
  is_receipt: boolean;
  merchant: string | null;
  date: string | null;
  total: string | null;
  currency: string | null;
  tax: string | null;
  /** Overall confidence 0..1. */
  confidence: number;
  field_confidence: FieldConfidence;
  raw_text: string;
}
