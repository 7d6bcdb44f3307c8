import { ExportSpend } from './export.repository';
import { journalLines } from './journal';
import { amountFormat, csvValue, neutraliseFormula, spendColumns } from './spend-columns';

const spend = (overrides: Partial<ExportSpend> = {}): ExportSpend => ({
  id: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
  spendDate: '2026-03-02',
  status: 'approved',
  ownerName: 'Ann Smith',
  ownerEmail: 'ann@acme.test',
  team: null,
  category: 'Travel',
  categoryCode: '6400',
  vendor: null,
  merchant: 'Lufthansa',
  description: null,
  amountMinor: 60075n,
  currency: 'EUR',
  baseAmountMinor: 65019n,
  baseCurrency: 'USD',
  exchangeRate: '1.082300000000',
  submittedAt: new Date('2026-03-02T09:15:00.000Z'),
  decidedAt: null,
  paidAt: null,
  paymentReference: null,
  flags: ['duplicate_suspected'],
  receiptIds: ['r1', 'r2'],
  steps: [{ step: 1, approver: 'Mary Major', status: 'approved', decidedAt: new Date('2026-03-02T11:40:00.000Z') }],
  ...overrides,
});

describe('spend export cells', () => {
  it('neutralises text that a spreadsheet would run as a formula', () => {
    for (const dangerous of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil.test","click")']) {
      expect(neutraliseFormula(dangerous)).toBe(`'${dangerous}`);
    }
    for (const harmless of ['Lufthansa', '1+1', 'a=b', '', "'quoted"])
      expect(neutraliseFormula(harmless)).toBe(harmless);
  });

  it('writes amounts with their currency digits and leaves them numbers, even when negative', () => {
    expect(csvValue({ kind: 'amount', minor: -1250n, currency: 'USD' })).toBe('-12.50');
    expect(csvValue({ kind: 'amount', minor: 1200n, currency: 'JPY' })).toBe('1200');
    expect(csvValue({ kind: 'amount', minor: 1234n, currency: 'BHD' })).toBe('1.234');
    expect(csvValue({ kind: 'text', value: '-12.50' })).toBe("'-12.50");
    expect(csvValue({ kind: 'text', value: null })).toBe('');
    expect(csvValue({ kind: 'timestamp', value: new Date('2026-03-02T09:15:00.000Z') })).toBe(
      '2026-03-02T09:15:00.000Z',
    );
    expect(amountFormat('USD')).toBe('#,##0.00');
    expect(amountFormat('JPY')).toBe('#,##0');
    expect(amountFormat('BHD')).toBe('#,##0.000');
  });

  it('has a column group per approval step and writes a spend into every column', () => {
    const columns = spendColumns(2, (id) => `https://spendin.example.com/api/v1/receipts/${id}/file`);
    expect(columns.map((c) => c.key).slice(-6)).toEqual([
      'step_1_approver',
      'step_1_decision',
      'step_1_decided_at',
      'step_2_approver',
      'step_2_decision',
      'step_2_decided_at',
    ]);
    const row = Object.fromEntries(columns.map((c) => [c.key, csvValue(c.cell(spend()))]));
    expect(row).toMatchObject({
      amount: '600.75',
      currency: 'EUR',
      base_amount: '650.19',
      exchange_rate: '1.0823',
      flags: 'duplicate_suspected',
      receipts:
        'https://spendin.example.com/api/v1/receipts/r1/file https://spendin.example.com/api/v1/receipts/r2/file',
      step_1_approver: 'Mary Major',
      step_1_decided_at: '2026-03-02T11:40:00.000Z',
      step_2_approver: '',
      step_2_decided_at: '',
    });
  });
});

describe('journal lines', () => {
  const accounts = { payables: '2100', fallbackExpense: '6000' };

  it('books a debit on the category account and an equal credit on payables', () => {
    expect(journalLines(spend(), accounts)).toEqual([
      ['2026-03-02', spend().id, '6400', 'Lufthansa (Ann Smith)', '650.19', '', 'USD', spend().id],
      ['2026-03-02', spend().id, '2100', 'Payable to Ann Smith', '', '650.19', 'USD', spend().id],
    ]);
  });

  it('falls back to the expense account without a category code, and neutralises text', () => {
    const [debit] = journalLines(
      spend({ categoryCode: null, category: null, merchant: null, vendor: '@Vendor' }),
      accounts,
    );
    expect(debit[2]).toBe('6000');
    expect(debit[3]).toBe("'@Vendor (Ann Smith)");
  });
});
