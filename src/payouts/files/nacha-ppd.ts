/**
 * A NACHA file of one PPD batch of credits (service class 220): the organization's ODFI pays
 * each payee's checking or savings account. 94-character records, blocked by ten with
 * all-nines filler, with the entry hash and control totals of the batch and file control
 * records. Pure: the caller hands in opened bank details and gets the file; nothing here logs
 * or stores it.
 */
export interface NachaOriginator {
  /** The receiving point's routing number (9 digits), usually the ODFI's. */
  immediateDestination: string;
  immediateDestinationName: string;
  /** 10 characters (often `1` and the EIN), or 9 digits, sent with a leading space. */
  immediateOrigin: string;
  immediateOriginName: string;
  companyName: string;
  /** The company identification the ODFI assigned, 10 characters. */
  companyId: string;
  /** The ODFI's routing number (9 digits): its first 8 open every trace number. */
  odfiRouting: string;
}

export interface NachaCredit {
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
  amountCents: bigint;
  /** Up to 15 characters the payee's bank shows (the line's reference). */
  individualId: string;
  individualName: string;
}

export interface NachaFileInput {
  originator: NachaOriginator;
  credits: NachaCredit[];
  /** `YYYY-MM-DD`: the settlement day asked for. */
  effectiveDate: string;
  createdAt: Date;
  /** Ten characters on the payee's statement. */
  entryDescription: string;
  /** Eight characters of the file header's reference code. */
  referenceCode: string;
}

export const RECORD_LENGTH = 94;
export const BLOCKING_FACTOR = 10;
/** The largest amount one entry's 10-digit field holds, in cents. */
export const MAX_ENTRY_CENTS = 9_999_999_999n;

const CREDIT_CODES = { checking: '22', savings: '32' } as const;

export function nachaPpdFile(input: NachaFileInput): string {
  const { originator: o, credits } = input;
  if (credits.length === 0) throw new RangeError('a NACHA batch needs at least one entry');
  const odfi = o.odfiRouting.slice(0, 8);
  const yymmdd = (iso: string) => iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  const created = input.createdAt.toISOString();
  const batchNumber = num(1, 7);

  const fileHeader =
    '1' +
    '01' +
    ' ' +
    digits(o.immediateDestination, 9) +
    (o.immediateOrigin.length === 9 ? ' ' + digits(o.immediateOrigin, 9) : alpha(o.immediateOrigin, 10)) +
    yymmdd(created) +
    created.slice(11, 13) +
    created.slice(14, 16) +
    'A' +
    '094' +
    '10' +
    '1' +
    alpha(o.immediateDestinationName, 23) +
    alpha(o.immediateOriginName, 23) +
    alpha(input.referenceCode, 8);

  const batchHeader =
    '5' +
    '220' +
    alpha(o.companyName, 16) +
    alpha('', 20) +
    alpha(o.companyId, 10) +
    'PPD' +
    alpha(input.entryDescription, 10) +
    alpha('', 6) +
    yymmdd(input.effectiveDate) +
    '   ' +
    '1' +
    digits(odfi, 8) +
    batchNumber;

  const entries = credits.map((c, i) => {
    if (c.amountCents <= 0n || c.amountCents > MAX_ENTRY_CENTS) throw new RangeError('entry amount out of range');
    return (
      '6' +
      CREDIT_CODES[c.accountType] +
      digits(c.routingNumber.slice(0, 8), 8) +
      digits(c.routingNumber.slice(8, 9), 1) +
      alpha(c.accountNumber, 17) +
      num(c.amountCents, 10) +
      alpha(c.individualId, 15) +
      alpha(c.individualName, 22) +
      '  ' +
      '0' +
      digits(odfi, 8) +
      num(i + 1, 7)
    );
  });

  const entryHash = num(entryHashOf(credits.map((c) => c.routingNumber)), 10);
  const totalCredit = credits.reduce((sum, c) => sum + c.amountCents, 0n);
  const batchControl =
    '8' +
    '220' +
    num(credits.length, 6) +
    entryHash +
    num(0, 12) +
    num(totalCredit, 12) +
    alpha(o.companyId, 10) +
    alpha('', 19) +
    alpha('', 6) +
    digits(odfi, 8) +
    batchNumber;

  const recordCount = 4 + entries.length;
  const blocks = Math.ceil(recordCount / BLOCKING_FACTOR);
  const fileControl =
    '9' +
    num(1, 6) +
    num(blocks, 6) +
    num(credits.length, 8) +
    entryHash +
    num(0, 12) +
    num(totalCredit, 12) +
    alpha('', 39);

  const records = [fileHeader, batchHeader, ...entries, batchControl, fileControl];
  while (records.length % BLOCKING_FACTOR !== 0) records.push('9'.repeat(RECORD_LENGTH));
  for (const record of records)
    if (record.length !== RECORD_LENGTH) throw new Error(`NACHA record of ${record.length} characters`);
  return records.join('\n') + '\n';
}

/** The sum of the entries' 8-digit receiving DFI numbers, its last ten digits. */
export function entryHashOf(routingNumbers: string[]): bigint {
  return routingNumbers.reduce((sum, r) => sum + BigInt(r.slice(0, 8)), 0n) % 10_000_000_000n;
}

/** Alphanumeric: upper case, NACHA's character set, left-justified and space-filled. */
function alpha(value: string, width: number): string {
  const clean = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 .,&'/()+\-]/g, ' ');
  return clean.slice(0, width).padEnd(width, ' ');
}

/** Numeric: right-justified and zero-filled. */
function num(value: number | bigint, width: number): string {
  const s = value.toString();
  if (s.length > width || !/^\d+$/.test(s)) throw new RangeError(`${s} does not fit ${width} digits`);
  return s.padStart(width, '0');
}

function digits(value: string, width: number): string {
  if (!new RegExp(`^\\d{${width}}$`).test(value)) throw new RangeError(`expected ${width} digits`);
  return value;
}
