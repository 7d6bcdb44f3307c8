import { euros, sepaCreditTransfer, text } from './sepa-credit-transfer';

describe('SEPA credit transfer', () => {
  it('formats cents with two fraction digits', () => {
    expect(euros(1n)).toBe('0.01');
    expect(euros(4250n)).toBe('42.50');
    expect(euros(99_999_999_999n)).toBe('999999999.99');
  });

  it('keeps text within the Latin set, escaped and trimmed', () => {
    expect(text('Erika Müller', 70)).toBe('Erika Muller');
    expect(text('Straße <b>&</b> "x"', 70)).toBe('Strasse b /b x');
    expect(text("O'Brien", 70)).toBe('O&apos;Brien');
    expect(text('€€€', 70)).toBe('-');
    expect(text('a'.repeat(80), 70)).toHaveLength(70);
  });

  it('sums the transactions into both control sums', () => {
    const xml = sepaCreditTransfer({
      messageId: 'M1',
      createdAt: new Date('2026-12-03T16:05:00.123Z'),
      executionDate: '2026-12-07',
      debtor: { name: 'Acme', iban: 'DE02120300000000202051', bic: 'byladem1001' },
      transfers: [
        {
          endToEndId: 'E1',
          amountMinor: 5n,
          creditorName: 'A',
          creditorIban: 'NL91ABNA0417164300',
          creditorBic: 'ABNANL2A',
          remittance: null,
        },
        {
          endToEndId: 'E2',
          amountMinor: 1000n,
          creditorName: 'B',
          creditorIban: 'NL91ABNA0417164300',
          creditorBic: 'ABNANL2A',
          remittance: 'x',
        },
      ],
    });
    expect(xml.match(/<CtrlSum>([^<]+)</g)).toEqual(['<CtrlSum>10.05<', '<CtrlSum>10.05<']);
    expect(xml).toContain('<CreDtTm>2026-12-03T16:05:00</CreDtTm>');
    expect(xml).toContain('<BICFI>BYLADEM1001</BICFI>');
    expect(xml.match(/<RmtInf>/g)).toHaveLength(1);
  });
});
