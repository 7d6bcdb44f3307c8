import { findAmounts, repairNumbers } from './receipt-amounts';
import { toLines } from './receipt-lines';

// Lines as OCR returns them from receipt print, written for the test.
const kinds = (...lines: string[]) => toLines(lines.join('\n')).map((l) => l.kind);
const amountsOf = (line: string, ringgit = false) =>
  findAmounts(repairNumbers(line, { ringgit })).map((a) => `${a.minor}/${a.decimals}`);

describe('receipt lines as OCR reads them', () => {
  describe('labels', () => {
    it('reads the label before the last amount, even after a leading number', () => {
      expect(kinds('3 GRAND TOTAL 1000', 'Item Count 6 Change Amt 1.65')).toEqual(['grand-total', 'change']);
    });

    it('knows rounding lines, "R" misread as "F" too, and does not take them for tax', () => {
      expect(kinds('Rounding Adj -0.02', 'FOUNDING ADJUSTMENT -RM 0.01', 'ROUNDING ADJUSTMENTS 0.02-')).toEqual([
        'rounding',
        'rounding',
        'rounding',
      ]);
    });

    it('finds tax words only as words: "UST" in ADJUSTMENT or INDUSTRIAL is no tax', () => {
      expect(kinds('KAWASAN PERINDUSTRIAN BALAKONG 12.00', 'MwSt 19%  3.99', 'UST 20%  4.10')).toEqual([
        'other',
        'tax',
        'tax',
      ]);
    });

    it('finds card words only as words: "ALACARTE" is a dish', () => {
      expect(kinds('ALACARTE SUSHI 2.80', 'CARTE BANCAIRE 12.40', 'Master Card 63.80')).toEqual([
        'other',
        'card',
        'card',
      ]);
    });

    it('reads "CHAN", "CHENGE" and "Cash Chenge" as the change', () => {
      expect(kinds('CHAN 0.20', 'CHENGE 2.00', 'Cash Chenge 7.00')).toEqual(['change', 'change', 'change']);
    });

    it('reads a cashier as no payment, and "Total Paid" as cash handed over', () => {
      expect(kinds('Cashier: 113 CASHIER', 'Total Paid RM20.20')).toEqual(['other', 'cash']);
    });

    it('takes "TOTAL INCLUDED GST" for a tax statement, not a total', () => {
      expect(kinds('(Total Included GST @ 6% : 1.42)')).toEqual(['tax']);
    });

    it('reads "Amount to be paid" and "Final total" as the grand total', () => {
      expect(kinds('Amount To Be Paid : 25.45', 'Final Total 5.80')).toEqual(['grand-total', 'grand-total']);
    });
  });

  describe('amounts', () => {
    it('repairs a 2 read as z and a 0 read as D inside numbers', () => {
      expect(amountsOf('TOTAL 1z. 15')).toEqual(['1215/2']);
      expect(amountsOf('CHANGE 38.0D')).toEqual(['3800/2']);
    });

    it('reads a space after a currency marker as the decimal point', () => {
      expect(amountsOf('Total Sales RM 64 13')).toEqual(['6413/2']);
    });

    it('reads marker-like letters glued to a price as RM on a ringgit receipt only', () => {
      expect(amountsOf('Total M1.00', true)).toEqual(['100/2']);
      expect(amountsOf('SUBTOTAL R43. 40', true)).toEqual(['4340/2']);
      expect(amountsOf('SUBTOTAL R43. 40', false)).toEqual([]);
    });

    it('does not take a marker for the next amount as the one before it ("Slice 1 RM12.60")', () => {
      expect(amountsOf('Cheese Slice 1 RM12.60')).toEqual(['1/0', '1260/2']);
    });
  });
});
