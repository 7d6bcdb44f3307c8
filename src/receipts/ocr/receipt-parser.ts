/**
 * Reads merchant, date, total, currency and tax out of a receipt's OCR text. Pure: no I/O, no
 * Nest; it only sees the text (and, optionally, how sure OCR was of its words).
 */
import { ReceiptExtraction } from './extraction';
import { AmountToken, currencyDigits, findAmounts, formatMinor, repairNumbers, toMinor } from './receipt-amounts';
import { detectCurrency } from './receipt-currency';
import { DateCandidate, findDates, findDigitRunDates } from './receipt-dates';

export interface ParseReceiptOptions {
  /** OCR's mean word confidence, 0..1; lowers every field's confidence when OCR was unsure. */
  wordConfidence?: number;
}

interface Line {
  index: number;
  raw: string;
  /** The line with OCR digit confusions repaired. */
  text: string;
  amounts: AmountToken[];
  /** Upper-case label before the first amount, letters and a few signs only ("TOTALDUE"). */
  label: string;
  kind: LineKind;
}

type LineKind = 'grand-total' | 'total' | 'weak-total' | 'subtotal' | 'tax' | 'card' | 'cash' | 'change' | 'other';

/** O→[O0], L→[L1I|]…: label words as OCR tends to misspell them. */
function fuzzy(word: string): string {
  const classes: Record<string, string> = { O: '[O0Q]', L: '[L1I|]', I: '[I1L|]', S: '[S5]', B: '[B8]', E: '[EF]' };
  return [...word].map((c) => classes[c] ?? c).join('');
}
const TOTAL = fuzzy('TOTAL');
const re = (source: string) => new RegExp(source);

const NOT_TOTAL = re(
  `SUB-?${TOTAL}|${TOTAL}(?:QTY|QUANTITY|ITEM|ARTICLE|DISC|SAVING|TAX|GST|VAT|SST|EXCL|BEFORE|NUMBER|NO\\b|PCS|UNITS|WEIGHT)|SUPPL|EXVAT|EX\\.VAT|EXCL|BEFORETAX|ROUNDING|ROUNDADJ|NOOFITEMS|POINTS|SAVED|YOUSAVED|INCLUDES|\\d%(?:GST|TAX|VAT|SST)$`,
);
const GRAND_TOTAL = re(
  [
    `GRAND${TOTAL}`, `${TOTAL}DUE`, `AMOUNTDUE`, `AMTDUE`, `BALANCEDUE`, `${TOTAL}TOPAY`, `${TOTAL}PAYABLE`, `AMTPAYABLE`,
    `AMOUNTPAYABLE`, `NETT?${TOTAL}`, `ROUNDED${TOTAL}`, `${TOTAL}ROUNDED`, `${TOTAL}AFTER`, `${TOTAL}TTC`, `MONTANTTTC`,
    `NETAPAYER`, `APAYER`, `${TOTAL}\\(?(?:RM|MYR|EUR|USD|GBP|JPY)\\)?$`, `${TOTAL}AMOUNT`, `${TOTAL}AMT`, `${TOTAL}INCL`,
    `${TOTAL}SALES`, `${TOTAL}SALE`, `合計`, `G[O0]KEI`, `SUMME`, `ZUZAHLEN`, `GESAMTBETRAG`, `${TOTAL}EUR`,
    `${TOTAL}\\(INCL`, `INVOICE${TOTAL}`, `${TOTAL}CHARGE`,
  ].join('|'),
);
const PLAIN_TOTAL = re(`^.{0,3}${TOTAL}|^.{0,3}T[O0]TA|^.{0,3}[O0]TAL$|GESAMT|TOTALE`);
const WEAK_TOTAL = re(`^.{0,3}(?:AMOUNT|MONTANT|BALANCE|BETRAG|NETAMOUNT|PAYMENT|PAYABLE)`);
const SUBTOTAL = re(`SUB-?${TOTAL}|SOUS${TOTAL}|ZWISCHENSUMME|SUBT[O0]TA`);
const CARD = re(
  `VISA|MASTER|MASTERCARD|AMEX|AMERICANEXPRESS|JCB|DINERS|DISCOVER|CONTACTLESS|CREDIT|DEBIT|CARD|KARTE|CARTE|^CB|EFTPOS|MAESTRO|UNIONPAY|PAYWAVE|APPLEPAY|GOOGLEPAY|EC-?CASH|GIROCARD`,
);
const CASH = re(`^.{0,2}(?:CASH|TENDER|ESP[EÈ]CES|BAR(?:GELD)?$|GEGEBEN|TUNAI|PAID|BAYAR|RECEIVED|AMOUNTTENDERED|CASHPAID)`);
const CHANGE = re(`CHANGE|RENDU|RÜCKGELD|RUCKGELD|WECHSELGELD|BAKI|KEMBALIAN|お釣り|釣銭|おつり`);
const TAX = re(
  `TAX|VAT|GST|SST|MWST|UST|TVA|IVA|消費税|内税|税`,
);
const NOT_TAX = re(
  `TAXINVOICE|INVOICE|(?:GST|VAT|SST|TAX|UST)-?(?:ID|REG|NO|NUMBER|#|IDNO|REGNO)|REGNO|SUMMARY|TAXCODE|TAX\\(|CODE|EXCL|EXVAT|BEFORE`,
);

function compactLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9%()\-|&.#@\u3040-\u30ff\u4e00-\u9fff]/g, '');
}

function classify(label: string, hasAmounts: boolean): LineKind {
  if (!label) return 'other';
  if (SUBTOTAL.test(label)) return 'subtotal';
  if (CHANGE.test(label)) return 'change';
  if (!NOT_TOTAL.test(label)) {
    if (GRAND_TOTAL.test(label)) return 'grand-total';
    if (PLAIN_TOTAL.test(label)) return 'total';
  }
  if (TAX.test(label) && !NOT_TAX.test(label) && !/^.{0,3}T[O0]TAL(?!TAX|GST|VAT|SST)/.test(label)) return 'tax';
  if (CASH.test(label)) return 'cash';
  if (CARD.test(label) && hasAmounts) return 'card';
  if (!NOT_TOTAL.test(label) && WEAK_TOTAL.test(label)) return 'weak-total';
  return 'other';
}

function toLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw) => raw.replace(/\s+/g, ' ').trim())
    .filter((raw) => raw.length > 0)
    .map((raw, index) => {
      const repaired = repairNumbers(raw);
      const amounts = findAmounts(repaired);
      const labelEnd = amounts.length ? amounts[0].start : repaired.length;
      const label = compactLabel(repaired.slice(0, labelEnd));
      return { index, raw, text: repaired, amounts, label, kind: classify(label, amounts.length > 0) };
    });
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

const PREHEADER = new RegExp(
  [
    'CUSTOMER COPY', 'MERCHANT COPY', 'CUSTOMER\'?S COPY', 'DUPLICATE', 'REPRINT', 'WELCOME', 'BIENVENUE', 'WILLKOMMEN',
    'TAX INVOICE', 'SIMPLIFIED TAX INVOICE', 'INVOICE', 'RECEIPT', 'SALES RECEIPT', 'CASH SALES?', 'OFFICIAL RECEIPT',
    'TICKET DE CAISSE', 'TICKET', 'KASSENBON', 'QUITTUNG', 'RECHNUNG', 'FACTURE', 'ORDER', 'THANK YOU', 'COPY',
    'STORE\\s*#?\\s*\\d*', 'MAGASIN\\s*\\d*', 'FILIALE\\s*\\d*', 'BRANCH\\s*\\d*', 'REG(?:ISTER)?\\s*#?\\s*\\d*',
  ].join('|'),
  'i',
);
const CONTACT_OR_ID = new RegExp(
  [
    '\\b(?:TEL|PHONE|FAX|HP|MOBILE|EMAIL|E-MAIL|WWW|HTTP|TÉL|TEK|TELEPHONE)\\b', '@', '\\.COM\\b',
    '\\b(?:GST|VAT|SST|TAX|CO|COMPANY|BUSINESS|ROC|SIRET|SIREN|ABN|UST-?ID|STEUER)\\s*\\.?\\s*(?:ID|REG|NO|NUMBER|#)',
    '\\b(?:DATE|TIME|CASHIER|RECEIPT\\s*#|INVOICE\\s*#|TABLE|SERVER)\\b', '^[\\d\\s\\-/,.#()]+$',
  ].join('|'),
  'i',
);
/** A street line starts with a house number or names a street type next to a number; a city line has a postcode. */
const ADDRESS = new RegExp(
  [
    '^\\s*(?:NO\\.?\\s*)?\\d+[A-Z]?\\b[\\s,-]', '^\\s*(?:LOT|NO\\.|BLOCK|UNIT|SUITE)\\b',
    '\\b(?:JALAN|JLN|LORONG|TAMAN|PERSIARAN|KAMPUNG)\\b',
    '\\b(?:STREET|ST\\.?|ROAD|RD\\.?|AVENUE|AVE\\.?|BLVD|LANE|DRIVE|DR\\.?|RUE|STRASSE|STR\\.|PLACE|SQUARE|HIGHWAY|WAY)\\b.*\\d|\\d.*\\b(?:STREET|ST|ROAD|RD|AVENUE|AVE|BLVD|LANE|DRIVE|RUE|STRASSE|PLACE|SQUARE|HIGHWAY|WAY)\\b',
    '\\b\\d{4,6}\\b', '\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}\\b', '\\b[A-Z]{2}\\s\\d{5}\\b',
  ].join('|'),
  'i',
);
/** Forms of a legal entity: the SROIE merchant is the line that carries one. */
const LEGAL_FORM =
  /\b(?:S[DO0]N\b|BHD|BERHAD|[S5]\/B|ENTERPRISES?|TRADING|SYARIKAT|PERNIAGAAN|HOLDINGS|LTD|LIMITED|LLC|INC|CORP|GMBH|SARL|PLC|CO\.|\(M\))(?=\W|$)/i;
/** Words shop names are made of. */
const SHOP_WORD =
  /\b(?:RESTAURANT|RESTORAN|MART|MARKET|SUPERMARKET|STORE|HARDWARE|PHARMACY|BAKERY|BAKERIES|CAFE|KEDAI|STATIONERY|STATIONERS|BOOKS?|BOOKSTORE|ELECTRICAL|DINER|GRILL|DELI|KITCHEN|GROCERS?|CHEMIST|PHARMACIE|BOULANGERIE|BRASSERIE|LIBRAIRIE|EPICERIE|DRUGSTORE|ELECTRONICS|SHOP|BAR)\b/i;

/**
 * The shop's name: among the first lines, the first that reads like a name rather than a
 * preheader ("CUSTOMER COPY"), an address, a phone or a registration number; a line with a
 * legal form (SDN BHD, LTD, ENTERPRISE …) wins over plainer ones near it.
 */
function findMerchant(lines: Line[]): { name: string; confidence: number } | null {
  const head = lines.slice(0, 10);
  let best: { name: string; score: number } | null = null;
  head.forEach((line, position) => {
    const name = cleanMerchant(line.raw);
    const letters = name.replace(/[^\p{L}]/gu, '');
    if (letters.length < 3 || letters.length / Math.max(1, name.replace(/\s/g, '').length) < 0.55) return;
    if (PREHEADER.test(name) && name.replace(PREHEADER, '').replace(/[^\p{L}]/gu, '').length < 3) return;
    // A registration number beside the name, "(001451637-M)", marks the legal entity too.
    const legal = LEGAL_FORM.test(name) || /\(\s*\d{5,}[\s-]*[A-Z]\s*\)/i.test(line.raw);
    if (CONTACT_OR_ID.test(line.raw) && !legal) return;
    if (ADDRESS.test(line.raw) && !legal) return;
    if (line.amounts.some((a) => a.decimals === 2)) return;
    const words = name.split(' ').filter((w) => /\p{L}{2,}/u.test(w));
    if (!words.length) return;
    // OCR garbage ("ee a Se oo") is many short fragments.
    const shortWords = words.filter((w) => w.replace(/[^\p{L}]/gu, '').length <= 2).length;
    if (shortWords / words.length > 0.5) return;
    let score = 3 - position * 0.35;
    if (legal) score += 2;
    if (/\bS[DO0]N\b|BERHAD|\bBHD\b|\b[S5]\/B\b/i.test(name)) score += 1;
    // Random letters from a logo or stamp: "abriede BEER io LEER aL".
    if (words.some((w) => /\p{Ll}\p{Lu}/u.test(w))) score -= 1.5;
    if (SHOP_WORD.test(name)) score += 0.5;
    if (name === name.toUpperCase()) score += 0.3;
    const next = head[position + 1];
    const joined = /[&-]\s*$/.test(line.raw) && next ? `${name} ${line.raw.trim().slice(-1)} ${cleanMerchant(next.raw)}` : name;
    if (!best || score > best.score) best = { name: joined, score };
  });
  if (!best) return null;
  const found: { name: string; score: number } = best;
  return { name: found.name, confidence: Math.max(0.3, Math.min(0.9, 0.45 + found.score / 10)) };
}

function cleanMerchant(raw: string): string {
  return raw
    .replace(/\([^()]*\d{4,}[^()]*\)?/g, '') // company number "(867388-U)", "(119386 X)"
    .replace(/\(?\b\d{3,}[\s-]*[A-Z]?\)?\s*$/i, '')
    .replace(/^[^\p{L}\d'"(]+|[^\p{L}\d.)']+$/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
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
