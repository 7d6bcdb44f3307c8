/**
 * Pure checks and masks for payee bank details: IBAN (ISO 13616 mod-97 and the country's
 * length), BIC (ISO 9362), ABA routing numbers (3-7-1 weighted checksum) and US account numbers.
 * Each check answers the problem in words, or null when the value is good.
 */

/** IBAN length per country (SWIFT IBAN registry), for the countries payees are paid in. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
};

/** Spaces are for people: `DE89 3704 …` and `de893704…` are the same IBAN. */
export const normalizeIban = (iban: string): string => iban.replace(/\s+/g, '').toUpperCase();

export function ibanProblem(input: string): string | null {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return 'must be a country code, two check digits and letters or digits';
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined) return `country ${iban.slice(0, 2)} is not supported`;
  if (iban.length !== length) return `must have ${length} characters for ${iban.slice(0, 2)}`;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1 ? null : 'has a wrong check digit';
}

/** 8 or 11 characters: bank (4 letters), country (2 letters), location (2), branch (3, optional). */
export function bicProblem(bic: string): string | null {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic.toUpperCase())
    ? null
    : 'must be 8 or 11 characters: 4 letters, a 2-letter country, 2 and optionally 3 letters or digits';
}

export function routingNumberProblem(routing: string): string | null {
  if (!/^\d{9}$/.test(routing)) return 'must be 9 digits';
  const d = [...routing].map(Number);
  const sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return sum % 10 === 0 ? null : 'has a wrong check digit';
}

export function accountNumberProblem(account: string): string | null {
  return /^\d{4,17}$/.test(account) ? null : 'must be 4 to 17 digits';
}

/** `DE89 **** **** **** **30 00`: the country and check digits and the last four stay, in groups of four. */
export function maskIban(input: string): string {
  const iban = normalizeIban(input);
  const masked = iban.slice(0, 4) + '*'.repeat(iban.length - 8) + iban.slice(-4);
  return masked.replace(/(.{4})(?=.)/g, '$1 ');
}

/** `****6789`: the last four digits only. */
export const maskAccountNumber = (account: string): string => `****${account.slice(-4)}`;
