import * as currencyCodes from 'currency-codes';

/**
 * Money as integer minor units (bigint) plus an ISO-4217 code. Decimal strings on the wire,
 * never floats in storage or arithmetic. Pure: no Nest, no TypeORM.
 */

/** ISO-4217 currencies that are money (precious metals, testing and "no currency" codes are not). */
const DIGITS = new Map<string, number>(
  currencyCodes.data
    .filter((c) => typeof c.digits === 'number' && !c.countries.some((country) => country.startsWith('Zz')))
    .map((c) => [c.code, c.digits]),
);

export function isCurrency(code: string): boolean {
  return DIGITS.has(code);
}

/** Minor digits of an ISO-4217 currency: USD 2, JPY 0, BHD 3. */
export function minorDigits(currency: string): number {
  const digits = DIGITS.get(currency);
  if (digits === undefined) throw new MoneyError(`${currency} is not an ISO-4217 currency`);
  return digits;
}

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** The largest amount accepted, in major units: far above any expense, far below bigint limits. */
export const MAX_MAJOR_UNITS = 1_000_000_000_000n;

/**
 * Parses a decimal amount ("123.45", "1200", 12.5) into minor units of the currency. Refuses
 * more decimals than the currency has, exponents, signs, and anything that is not a plain
 * decimal. A JSON number is taken by its shortest decimal form (12.5 → "12.5").
 */
export function parseAmount(input: string | number, currency: string): bigint {
  const digits = minorDigits(currency);
  const text = typeof input === 'number' ? numberToDecimal(input) : input.trim();
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError('must be a positive decimal amount such as "123.45"');
  const [, whole, fraction = ''] = match;
  if (fraction.length > digits) {
    throw new MoneyError(
      digits === 0
        ? `${currency} has no minor units; send a whole amount`
        : `${currency} has ${digits} decimal places at most`,
    );
  }
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (BigInt(whole) >= MAX_MAJOR_UNITS) throw new MoneyError('is larger than any expense Spendin accepts');
  return minor;
}

function numberToDecimal(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new MoneyError('must be a positive decimal amount such as "123.45"');
  const text = String(value);
  if (/e/i.test(text)) throw new MoneyError('must be a plain decimal amount, not in exponent notation');
  return text;
}

/** Minor units to the wire's decimal string with exactly the currency's digits: 12345n USD → "123.45". */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const result = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${result}` : result;
}

/** An exchange rate as an exact decimal: `units` × 10^-`scale`. */
export interface Rate {
  units: bigint;
  scale: number;
}

/** Parses a positive decimal rate ("1.0823", "157.3") exactly; at most 12 decimals. */
export function parseRate(input: string | number): Rate {
  const text = typeof input === 'number' ? numberToDecimal(input) : input.trim();
  const match = /^(\d{1,12})(?:\.(\d{1,12}))?$/.exec(text);
  if (!match) throw new MoneyError('must be a positive decimal rate such as "1.0823"');
  const [, whole, fraction = ''] = match;
  const rate = { units: BigInt(whole + fraction), scale: fraction.length };
  if (rate.units === 0n) throw new MoneyError('must be greater than 0');
  return rate;
}

export function formatRate(rate: Rate): string {
  const text = rate.units.toString().padStart(rate.scale + 1, '0');
  return rate.scale === 0 ? text : `${text.slice(0, -rate.scale)}.${text.slice(-rate.scale)}`.replace(/\.?0+$/, '');
}

/**
 * Converts minor units of one currency into minor units of another at `rate` (units of the
 * target per one unit of the source), rounding half away from zero at the target's digits.
 */
export function convert(minor: bigint, from: string, to: string, rate: Rate): bigint {
  const shift = minorDigits(to) - minorDigits(from);
  // result = minor × rate × 10^shift, computed over one common integer denominator.
  let numerator = minor * rate.units;
  let denominator = 10n ** BigInt(rate.scale);
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  return divideRoundHalfUp(numerator, denominator);
}

function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (2n * d);
  return negative ? -quotient : quotient;
}

/** Minor units as a decimal number of major units, for comparisons in policy rules. */
export function toMajorNumber(minor: bigint, currency: string): number {
  return Number(formatAmount(minor, currency));
}
