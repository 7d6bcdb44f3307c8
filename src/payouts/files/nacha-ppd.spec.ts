import { BLOCKING_FACTOR, entryHashOf, nachaPpdFile, NachaFileInput, RECORD_LENGTH } from './nacha-ppd';

const input = (credits: NachaFileInput['credits']): NachaFileInput => ({
  originator: {
    immediateDestination: '021000021',
    immediateDestinationName: 'JPMorgan Chase',
    immediateOrigin: '123456789',
    immediateOriginName: 'Acme Inc',
    companyName: 'Acme Inc',
    companyId: '1234567890',
    odfiRouting: '021000021',
  },
  credits,
  effectiveDate: '2026-12-07',
  createdAt: new Date('2026-12-03T16:05:00Z'),
  entryDescription: 'REIMBURSE',
  referenceCode: 'ABCDEF12',
});
const credit = (routingNumber: string, amountCents: bigint, accountType: 'checking' | 'savings' = 'checking') => ({
  routingNumber,
  accountNumber: '123456789',
  accountType,
  amountCents,
  individualId: 'LINE1',
  individualName: 'José Núñez',
});

describe('NACHA PPD file', () => {
  it('writes 94-character records blocked by ten, with a nine-digit origin sent behind a space', () => {
    const records = nachaPpdFile(input([credit('011000015', 4200n)]))
      .trimEnd()
      .split('\n');
    expect(records).toHaveLength(BLOCKING_FACTOR);
    expect(records.every((r) => r.length === RECORD_LENGTH)).toBe(true);
    expect(records.map((r) => r[0]).join('')).toBe('1568999999');
    expect(records[0].slice(13, 23)).toBe(' 123456789');
    expect(records[0].slice(23, 33)).toBe('2612031605');
    expect(records[2].slice(54, 76)).toBe('JOSE NUNEZ'.padEnd(22));
  });

  it('blocks 11 records into 20 and carries the entry hash and totals', () => {
    const credits = Array.from({ length: 7 }, (_, i) =>
      credit(i % 2 ? '122105155' : '011000015', BigInt(i + 1), 'savings'),
    );
    const records = nachaPpdFile(input(credits)).trimEnd().split('\n');
    expect(records).toHaveLength(20);
    const hash = entryHashOf(credits.map((c) => c.routingNumber));
    expect(hash).toBe(4n * 1100001n + 3n * 12210515n);
    const control = records.find((r) => r.startsWith('9') && r !== '9'.repeat(94))!;
    expect(control.slice(1, 21)).toBe('000001000002' + '00000007');
    expect(BigInt(control.slice(21, 31))).toBe(hash);
    expect(Number(control.slice(43, 55))).toBe(28);
    expect(records.filter((r) => r.startsWith('632'))).toHaveLength(7);
  });

  it('keeps the entry hash to its last ten digits', () => {
    expect(entryHashOf(Array.from({ length: 200 }, () => '999999999'))).toBe((99999999n * 200n) % 10_000_000_000n);
  });

  it('refuses an empty batch and an amount over ten digits', () => {
    expect(() => nachaPpdFile(input([]))).toThrow(RangeError);
    expect(() => nachaPpdFile(input([credit('011000015', 10_000_000_000n)]))).toThrow(RangeError);
  });
});
