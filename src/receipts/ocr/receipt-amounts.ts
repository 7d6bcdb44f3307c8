/**
 * Money on a printed receipt line, read the way OCR returns it: separators of either kind,
 * stray spaces, letters misread for digits. Pure functions, no I/O.
 */

/** One money-like number found on a line. */
export interface AmountToken {
  /** Whole units × 100 + cents when `decimals` is 2; whole units when `decimals` is 0. */
  minor: number;
  /** Digits after the decimal separator as printed (0 or 2; 1 is padded to 2). */
  decimals: 0 | 2;
  /** The separator used before the decimals, when there is one. */
  decimalSeparator: '.' | ',' | null;
  /** Thousands separators were printed ("1,234"). */
  grouped: boolean;
  /** A currency symbol or code printed next to it (normalised, e.g. "RM", "$", "EUR"). */
  marker: string | null;
  negative: boolean;
  /** Position of the token on its line, for "rightmost amount" decisions. */
  start: number;
  end: number;
}

const MARKERS = [
  'RM',
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'MYR',
  'SGD',
  'AUD',
  'CAD',
  'CHF',
  'YEN',
  '$',
  '€',
  '£',
  '¥',
  '￥',
  '円',
];
const MARKER_SOURCE = `(?:RM|USD|EUR|GBP|JPY|MYR|SGD|AUD|CAD|CHF|YEN|[$€£¥￥])`;

export interface RepairContext {
  /**
   * The receipt prints ringgit as "RM" elsewhere: letters glued to a price ("M1.00", "RI4.00",
   * "R43.40", "fM0.00") are that marker misread, not a product code.
   */
  ringgit?: boolean;
}

/**
 * Undoes the usual OCR confusions inside numbers (O/D→0, l/I/|→1, Z→2, S→5, B→8), joins
 * amounts split by a stray space ("12. 50", "50 ,00"), reads an "S" printed before a price as
 * "$" and, on ringgit receipts, a garbled "RM" glued to a price as "RM".
 */
export function repairNumbers(line: string, context: RepairContext = {}): string {
  let s = line;
  // "S8.20" is "$8.20" far more often than "58.20"; only when cents follow.
  s = s.replace(/(^|[\s:(])S(?=\d+[.,]\d{2}(?!\d))/g, '$1$$');
  // Letters inside a run of digits.
  for (let pass = 0; pass < 2; pass++) {
    s = s.replace(/(?<=\d[.,]?)[Oo](?=[.,]?\d|[.,]?\b)/g, '0');
    s = s.replace(/(?<=[\s$€£¥:]|^)[Oo](?=[.,]\d{2}\b)/g, '0');
    s = s.replace(/(?<=\d[.,])D(?=\d|\b)|(?<=\d[.,]\d)D\b/g, '0');
    s = s.replace(/(?<=\d[.,]?)[Il|](?=[.,]?\d)/g, '1');
    s = s.replace(/(?<=\d)[zZ](?=[.,]\s?\d{2}(?!\d))/g, '2');
    s = s.replace(/(?<=\d[.,]?)[S](?=[.,]?\d)/g, '5');
    s = s.replace(/(?<=\d[.,]?)[B](?=[.,]?\d)/g, '8');
  }
  // "12. 50", "12 .50", "50, 00": a separator and exactly two digits, split by one space.
  s = s.replace(/(\d)\s?([.,])\s?(\d{2})(?![\d.,])/g, (m, a: string, sep: string, b: string) => `${a}${sep}${b}`);
  // "RM 64 13": after a currency marker, a space before the last two digits is a lost point.
  s = s.replace(new RegExp(String.raw`(${MARKER_SOURCE}\s?\d{1,4}) (\d{2})(?![\d.,])`, 'g'), '$1.$2');
  // "RM 7.90" / "RM7.90" both fine; "kM7.90", "RN7.90" are RM.
  s = s.replace(/(?<![A-Za-z])[kKR][MNW](?=\s?\d+[.,]\d{2})/g, 'RM');
  if (context.ringgit) {
    // One to three marker-like letters glued to a price, with an R or an M among them.
    s = s.replace(/(?<![A-Za-z])(?=[A-Za-z]{0,2}[RM])[RMHNIWfmlk]{1,3}(?=\d+[.,]\d{2}(?!\d))/g, 'RM');
  }
  return s;
}

/** Finds money-like numbers on an already repaired line, left to right. */
export function findAmounts(line: string): AmountToken[] {
  const tokens: AmountToken[] = [];
  // number: groups of three (1,234 / 1.234 / 1 234 / 1'234) or plain digits, then optional decimals.
  const re = new RegExp(
    String.raw`(?<![\w.,:#*-])(?<!\d/)(?:(${MARKER_SOURCE})\s?)?(-|\()?(?:(${MARKER_SOURCE})\s?)?` +
      String.raw`(\d{1,3}(?:([,.'])\d{3})(?:\5\d{3})*|\d{1,3}(?: \d{3})+(?=[.,]\d{2}(?!\d))|\d+)` +
      String.raw`(?:([.,])(\d{1,2}))?(?![\d]|[.,]\d|\s?%|[/:]\d|\s?[xX]\s?\d)(-)?(?:\s?(${MARKER_SOURCE}|円)(?!\s?\d))?(?![A-Za-z])`,
    'giu',
  );
  for (const m of line.matchAll(re)) {
    const [whole, pre1, neg, pre2, intPart, groupSep, decSep, decDigits, trailingMinus, post] = m;
    if (groupSep && decSep && groupSep === decSep) continue;
    const grouped = Boolean(groupSep) || / /.test(intPart);
    const units = Number(intPart.replace(/[,.' ]/g, ''));
    if (!Number.isSafeInteger(units)) continue;
    let decimals: 0 | 2 = 0;
    let cents = 0;
    if (decSep && decDigits) {
      decimals = 2;
      cents = decDigits.length === 1 ? Number(decDigits) * 10 : Number(decDigits);
    }
    const marker = normaliseMarker(pre1 ?? pre2 ?? post ?? null);
    tokens.push({
      minor: decimals === 2 ? units * 100 + cents : units,
      decimals,
      decimalSeparator: decimals === 2 ? (decSep as '.' | ',') : null,
      grouped,
      marker,
      negative: Boolean(neg) || Boolean(trailingMinus),
      start: m.index,
      end: m.index + whole.length,
    });
  }
  return tokens;
}

function normaliseMarker(marker: string | null): string | null {
  if (!marker) return null;
  const upper = marker.toUpperCase();
  if (upper === '￥' || upper === '円' || upper === 'YEN') return '¥';
  return MARKERS.includes(upper) ? upper : null;
}

/** ISO 4217 digits of the currencies the parser can name. */
export function currencyDigits(currency: string | null): 0 | 2 {
  return currency === 'JPY' || currency === 'KRW' ? 0 : 2;
}

/**
 * The token's value in the currency's minor units. A token printed without decimals in a
 * two-decimal currency is whole units; `impliedCents` reads it as cents instead ("12804" for
 * 128.04 when OCR dropped the point).
 */
export function toMinor(token: AmountToken, digits: 0 | 2, impliedCents = false): number {
  if (digits === 0) return token.decimals === 2 ? Math.round(token.minor / 100) : token.minor;
  if (token.decimals === 2) return token.minor;
  return impliedCents ? token.minor : token.minor * 100;
}

/** "12.50" / "4340": minor units as the decimal string the extraction contract wants. */
export function formatMinor(minor: number, digits: 0 | 2): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
