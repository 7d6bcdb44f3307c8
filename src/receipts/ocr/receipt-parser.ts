/**
 * Reads merchant, date, total, currency and tax out of a receipt's OCR text. Pure: no I/O, no
 * Nest; it only sees the text (and, optionally, how sure OCR was of its words).
 */
import { ReceiptExtraction } from './extraction';
import { AmountToken, currencyDigits, formatMinor, toMinor } from './receipt-amounts';
import { detectCurrency } from './receipt-currency';
import { DateCandidate, findDates, findDigitRunDates } from './receipt-dates';
import { Line, toLines } from './receipt-lines';
import { findMerchant } from './receipt-merchant';

export interface ParseReceiptOptions {
  /** OCR's mean word confidence, 0..1; lowers every field's confidence when OCR was unsure. */
  wordConfidence?: number;
}

/** The amount a labelled line carries: its rightmost one, or a lone amount on the next line. */
function lineAmount(lines: Line[], line: Line): { token: AmountToken; line: Line } | null {
  const own = line.amounts.filter((a) => !a.negative);
  if (own.length) return { token: own[own.length - 1], line };
  const next = lines[line.index + 1];
  if (next && next.kind === 'other' && next.amounts.length === 1 && next.label.length <= 3) {
    return { token: next.amounts[0], line: next };
  }
  return null;
}

interface TotalFound {
  minor: number;
  /** 0..1 before OCR confidence is applied. */
  confidence: number;
  line: number | null;
}

interface MoneyContext {
  digits: 0 | 2;
  /** The receipt prints cents on most amounts, so a bare "12804" is more likely 128.04. */
  printsCents: boolean;
}

function valueOf(token: AmountToken, money: MoneyContext, evidence: Set<number>): { minor: number; implied: boolean } {
  const whole = toMinor(token, money.digits);
  if (token.decimals === 2 || money.digits === 0 || !money.printsCents) return { minor: whole, implied: false };
  const cents = toMinor(token, money.digits, true);
  if (evidence.has(whole)) return { minor: whole, implied: false };
  if (evidence.has(cents) || token.minor >= 100) return { minor: cents, implied: true };
  return { minor: whole, implied: false };
}

/** Amounts that the payment lines say were paid: card charges, and cash minus change. */
function paymentEvidence(lines: Line[], money: MoneyContext): { card: number[]; cashLessChange: number | null } {
  const card: number[] = [];
  let cash: number | null = null;
  let change: number | null = null;
  for (const line of lines) {
    const found = lineAmount(lines, line);
    if (!found || found.token.decimals !== money.digits) continue;
    const minor = toMinor(found.token, money.digits);
    if (line.kind === 'card') card.push(minor);
    if (line.kind === 'cash' && cash === null) cash = minor;
    if (line.kind === 'change' && change === null) change = minor;
  }
  const cashLessChange = cash !== null && change !== null && cash > change ? cash - change : null;
  return { card, cashLessChange };
}

function findTotal(lines: Line[], money: MoneyContext): TotalFound | null {
  const payments = paymentEvidence(lines, money);
  const evidence = new Set<number>([...payments.card, ...(payments.cashLessChange !== null ? [payments.cashLessChange] : [])]);
  const subtotals = lines
    .filter((l) => l.kind === 'subtotal')
    .map((l) => lineAmount(lines, l))
    .filter((a): a is NonNullable<typeof a> => a !== null)
    .map((a) => toMinor(a.token, money.digits));
  const firstChange = lines.find((l) => l.kind === 'change')?.index ?? Infinity;

  let best: (TotalFound & { score: number }) | null = null;
  for (const line of lines) {
    const base = line.kind === 'grand-total' ? 3 : line.kind === 'total' ? 2 : line.kind === 'weak-total' ? 1 : 0;
    if (!base) continue;
    const found = lineAmount(lines, line);
    if (!found) continue;
    const { minor, implied } = valueOf(found.token, money, evidence);
    if (minor <= 0) continue;
    let score = base;
    if (evidence.has(minor)) score += 1.5;
    if (subtotals.some((s) => minor >= s)) score += 0.25;
    if (subtotals.length && subtotals.every((s) => minor < s)) score -= 1;
    // "Total  29.24  1.76": a tax summary row, not the bill.
    if (found.line === line && line.amounts.length >= 2 && base < 3) score -= 1.5;
    if (line.index > firstChange) score -= 0.75;
    if (implied) score -= 0.5;
    // Later totals come after rounding and adjustments.
    score += line.index / (lines.length * 10);
    const confidence = Math.min(1, (base === 3 ? 0.9 : base === 2 ? 0.82 : 0.6) + (evidence.has(minor) ? 0.08 : 0)) * (implied ? 0.75 : 1);
    if (!best || score > best.score) best = { minor, confidence, line: found.line.index, score };
  }
  if (best) return best;

  if (payments.card.length) {
    return { minor: Math.max(...payments.card), confidence: 0.6, line: null };
  }
  if (payments.cashLessChange !== null) return { minor: payments.cashLessChange, confidence: 0.5, line: null };
  return largestAmount(lines, money);
}

/**
 * No total label survived OCR: the largest amount that is not cash handed over, but only on
 * something shaped like a receipt (several priced lines).
 */
function largestAmount(lines: Line[], money: MoneyContext): TotalFound | null {
  const priced = lines.filter((l) => l.amounts.some((a) => a.decimals === money.digits && (money.digits === 2 || a.grouped || a.marker)));
  if (priced.length < 3) return null;
  let best: TotalFound | null = null;
  for (const line of priced) {
    if (line.kind === 'cash' || line.kind === 'change') continue;
    for (const token of line.amounts) {
      if (token.decimals !== money.digits || token.negative) continue;
      const minor = toMinor(token, money.digits);
      if (!best || minor > best.minor) best = { minor, confidence: 0.35, line: line.index };
    }
  }
  return best;
}

function findTax(lines: Line[], money: MoneyContext, total: number, totalLine: number | null): { minor: number; confidence: number } | null {
  let best: { minor: number; confidence: number; score: number } | null = null;
  for (const line of lines) {
    if (line.kind !== 'tax') continue;
    const found = lineAmount(lines, line);
    if (!found) continue;
    const minor = toMinor(found.token, money.digits, found.token.decimals === 0 && money.printsCents && found.token.minor >= 100);
    if (minor < 0 || minor >= total) continue;
    let score = 0;
    if (minor > 0) score += 2;
    if (/%/.test(line.text)) score += 0.5;
    if (/^.{0,3}(?:TAX|VAT|GST|SST|MWST|TVA|DONT|INCL|SALESTAX|CONSUMPTION|消費税|\(INCL)/.test(line.label)) score += 1;
    if (/TOTAL(?:TAX|GST|VAT|SST)/.test(line.label)) score += 1.5;
    if (totalLine !== null) score -= Math.abs(line.index - totalLine) / 20;
    if (!best || score > best.score) best = { minor, confidence: found.token.decimals === money.digits ? 0.8 : 0.5, score };
  }
  return best;
}

function findDate(lines: Line[], currency: string | null): { iso: string; confidence: number } | null {
  const order = currency === 'USD' ? 'month-first' : 'day-first';
  let candidates: DateCandidate[] = lines.flatMap((l) => findDates(l.raw, l.index, order));
  let guessed = false;
  if (!candidates.length) {
    candidates = lines.flatMap((l) => findDigitRunDates(l.raw, l.index, order));
    guessed = true;
  }
  if (!candidates.length) return null;
  const scored = candidates.map((c) => ({ c, score: (c.labelled ? 2 : 0) + (c.unambiguous ? 1 : 0) - c.line / 1000 }));
  scored.sort((a, b) => b.score - a.score);
  const { c } = scored[0];
  const confidence = (c.labelled ? 0.9 : 0.75) * (c.unambiguous ? 1 : 0.85) * (guessed ? 0.6 : 1);
  return { iso: c.iso, confidence };
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

export function parseReceipt(ocrText: string, options: ParseReceiptOptions = {}): ReceiptExtraction {
  // A PDF's text layer can hold NUL and broken surrogates; jsonb stores neither.
  const text = (ocrText.replace(/\u0000/g, '') as string & { toWellFormed(): string }).toWellFormed();
  const lines = toLines(text);
  const allAmounts = lines.flatMap((l) => l.amounts);
  const currency = detectCurrency(lines.map((l) => l.text).join('\n'), allAmounts);
  const digits = currencyDigits(currency.code);
  const withCents = allAmounts.filter((a) => a.decimals === 2).length;
  const money: MoneyContext = { digits, printsCents: digits === 2 && withCents >= 2 && withCents >= allAmounts.length / 4 };

  const total = findTotal(lines, money);
  if (!total) return notAReceipt(text);

  const ocr = options.wordConfidence === undefined ? 1 : Math.max(0, Math.min(1, options.wordConfidence));
  const ocrFactor = 0.6 + 0.4 * ocr;
  const merchant = findMerchant(lines);
  const date = findDate(lines, currency.code);
  const tax = findTax(lines, money, total.minor, total.line);

  const field_confidence = {
    merchant: round(merchant ? merchant.confidence * ocrFactor : 0),
    date: round(date ? date.confidence * ocrFactor : 0),
    total: round(total.confidence * ocrFactor),
    currency: round(currency.confidence * ocrFactor),
    tax: round(tax ? tax.confidence * ocrFactor : 0),
  };
  const weights = { total: 0.4, date: 0.2, merchant: 0.2, currency: 0.2 };
  const confidence = round(
    weights.total * field_confidence.total +
      weights.date * field_confidence.date +
      weights.merchant * field_confidence.merchant +
      weights.currency * field_confidence.currency,
  );
  return {
    is_receipt: true,
    merchant: merchant?.name ?? null,
    date: date?.iso ?? null,
    total: formatMinor(total.minor, digits),
    currency: currency.code,
    tax: tax ? formatMinor(tax.minor, digits) : null,
    confidence,
    field_confidence,
    raw_text: text,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
