/**
 * Reads merchant, date, total, currency and tax out of a receipt's OCR text. Pure: no I/O, no
 * Nest; it only sees the text (and, optionally, how sure OCR was of its words).
 *
 * Every field comes with a confidence, and a field under `FIELD_THRESHOLD` is left empty
 * (null) rather than guessed: a wrong total or date that fills a spend does more harm than an
 * empty one the user types in. Its confidence stays in `field_confidence`, so a null field with
 * a confidence above 0 says "read, but too unsure to give".
 */
import { FieldConfidence, ReceiptExtraction } from './extraction';
import { currencyDigits, formatMinor, toMinor } from './receipt-amounts';
import { detectCurrency } from './receipt-currency';
import { chooseDate } from './receipt-date-choice';
import { Line, toLines } from './receipt-lines';
import { findMerchant } from './receipt-merchant';
import { chooseTotal, lineAmount, MoneyContext } from './receipt-total';

export interface ParseReceiptOptions {
  /** OCR's mean word confidence, 0..1; lowers every field's confidence when OCR was unsure. */
  wordConfidence?: number;
  /** When the receipt was received (ISO date): its sale date cannot be later. */
  referenceDate?: string;
}

function findTax(
  lines: Line[],
  money: MoneyContext,
  total: number,
  totalLine: number | null,
): { minor: number; confidence: number } | null {
  let best: { minor: number; confidence: number; score: number } | null = null;
  for (const line of lines) {
    if (line.kind !== 'tax') continue;
    const found = lineAmount(lines, line, money);
    if (!found) continue;
    const minor = toMinor(
      found.token,
      money.digits,
      found.token.decimals === 0 && money.printsCents && found.token.minor >= 100,
    );
    if (minor < 0 || minor >= total) continue;
    let score = 0;
    if (minor > 0) score += 2;
    if (/%/.test(line.text)) score += 0.5;
    if (/^.{0,3}(?:TAX|VAT|GST|SST|MWST|TVA|DONT|INCL|SALESTAX|CONSUMPTION|消費税|\(INCL)/.test(line.label)) score += 1;
    if (/TOTAL(?:TAX|GST|VAT|SST)/.test(line.label)) score += 1.5;
    if (totalLine !== null) score -= Math.abs(line.index - totalLine) / 20;
    if (!best || score > best.score)
      best = { minor, confidence: found.token.decimals === money.digits ? 0.8 : 0.5, score };
  }
  return best;
}

function notAReceipt(text: string): ReceiptExtraction {
  return {
    is_receipt: false,
    merchant: null,
    date: null,
    total: null,
    currency: null,
    tax: null,
    confidence: 0,
    field_confidence: { merchant: 0, date: 0, total: 0, currency: 0, tax: 0 },
    raw_text: text,
  };
}

/**
 * Below this a field's value is withheld. Chosen on the development sets (SROIE train and
 * synthetic, `bench/ocr.mjs`): the fields read below it were right less often than not.
 */
export const FIELD_THRESHOLD = 0.5;

/** Reads a receipt's text: every field withheld whose confidence is under `FIELD_THRESHOLD`. */
export function parseReceipt(ocrText: string, options: ParseReceiptOptions = {}): ReceiptExtraction {
  return withholdUnsure(readFields(ocrText, options));
}

/** Nulls each field whose confidence is under `threshold` (the tax with the total it depends on). */
export function withholdUnsure(extraction: ReceiptExtraction, threshold = FIELD_THRESHOLD): ReceiptExtraction {
  if (!extraction.is_receipt) return extraction;
  const unsure = (field: keyof ReceiptExtraction['field_confidence']) => extraction.field_confidence[field] < threshold;
  return {
    ...extraction,
    merchant: unsure('merchant') ? null : extraction.merchant,
    date: unsure('date') ? null : extraction.date,
    total: unsure('total') ? null : extraction.total,
    currency: unsure('currency') ? null : extraction.currency,
    tax: unsure('tax') || unsure('total') ? null : extraction.tax,
  };
}

/** Every field as read, however unsure: what `parseReceipt` and `mergeReadings` work from. */
export function readFields(ocrText: string, options: ParseReceiptOptions = {}): ReceiptExtraction {
  // A PDF's text layer can hold NUL and broken surrogates; jsonb stores neither.
  const text = (ocrText.replace(/\u0000/g, '') as string & { toWellFormed(): string }).toWellFormed();
  const lines = toLines(text);
  const allAmounts = lines.flatMap((l) => l.amounts);
  const currency = detectCurrency(lines.map((l) => l.text).join('\n'), allAmounts);
  const digits = currencyDigits(currency.code);
  const withCents = allAmounts.filter((a) => a.decimals === 2).length;
  const money: MoneyContext = {
    digits,
    printsCents: digits === 2 && withCents >= 2 && withCents >= allAmounts.length / 4,
    dollarMarked: allAmounts.filter((a) => a.marker === '$').length >= 2,
  };

  const total = chooseTotal(lines, money);
  if (!total) return notAReceipt(text);

  const ocr = options.wordConfidence === undefined ? 1 : Math.max(0, Math.min(1, options.wordConfidence));
  const ocrFactor = 0.6 + 0.4 * ocr;
  const merchant = findMerchant(lines);
  const date = chooseDate(lines, currency.code, options.referenceDate);
  const tax = findTax(lines, money, total.minor, total.line);

  const field_confidence = {
    merchant: round(merchant ? merchant.confidence * ocrFactor : 0),
    date: round(date ? date.confidence * ocrFactor : 0),
    total: round(total.confidence * ocrFactor),
    currency: round(currency.confidence * ocrFactor),
    tax: round(tax ? tax.confidence * ocrFactor : 0),
  };
  return {
    is_receipt: true,
    merchant: merchant?.name ?? null,
    date: date?.iso ?? null,
    total: formatMinor(total.minor, digits),
    currency: currency.code,
    tax: tax ? formatMinor(tax.minor, digits) : null,
    confidence: overallConfidence(field_confidence),
    field_confidence,
    raw_text: text,
  };
}

/** The receipt's confidence: its fields', the total counting double. */
export function overallConfidence(field: FieldConfidence): number {
  return round(0.4 * field.total + 0.2 * field.date + 0.2 * field.merchant + 0.2 * field.currency);
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
