import { parseReceipt, readFields } from './receipt-parser';

// Each case is a kind of receipt, written for the test: what OCR typically makes of it.
const receipt = (lines: string[]) => lines.join('\n');
const shop = ['KEDAI MAJU JAYA SDN BHD', 'NO 5, JALAN BESAR, 43000 KAJANG, SELANGOR', 'Date: 14/03/2018 12:01'];

describe('total: chosen by what the receipt agrees with', () => {
  describe('cash rounding', () => {
    it('applies the rounding line when cash less change confirms it', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Notebook A5     3x10.49   31.47',
          'Total Amount (incl. GST)  31.47',
          'Rounding                  -0.02',
          'CASH                      50.00',
          'CHANGE                    18.55',
        ]),
      );
      expect(r.total).toBe('31.45');
      expect(r.field_confidence.total).toBeGreaterThan(0.8);
    });

    it('takes the rounded amount the customer paid when the big rounded TOTAL line was not read', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Fried Rice   2 x 12.80   25.60',
          'Total (Inclusive of GST):   31.02',
          'Rounding Adj:               -0.02',
          'CASH :                      31.00',
        ]),
      );
      expect(r.total).toBe('31.00');
    });

    it('prefers the total printed after the rounding line over the one before it', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Grouper       70.00',
          'Total (Inclusive of GST):   112.36',
          'Rounding Adj:    -0.01',
          'TOTAL:    112.35',
          'CASH :    112.35',
        ]),
      );
      expect(r.total).toBe('112.35');
    });

    it('rounds to the 5 cents when nothing else tells, and a rounding line says it was done', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Butter slice  RM4.15',
          'Green Tea Mochi  RM3.30',
          'Total (Incl GST, 0%)  RM14.18',
          'Rounding  RM0.02',
          'Grand rotalRM1 4 . 20',
        ]),
      );
      expect(r.total).toBe('14.20');
    });

    it('accepts a rounded total a few cents under the subtotal', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'LINDT 125G   31.60',
          'Sub-total   98.37',
          'Total Sales Incl GST   98.37',
          'Rounding Adj   -0.02',
          'Total After Adj Incl GST   98.35',
          'CASH   100.00',
          'Item Count 6  Change Amt  1.65',
        ]),
      );
      expect(r.total).toBe('98.35');
    });

    it('reads "FOUNDING ADJUSTMENT" (R read as F) as the rounding line, not as tax', () => {
      const r = readFields(
        receipt([
          ...shop,
          'TOTAL INCL. GST  RM 8.11',
          'FOUNDING ADJUSTMENT  -RM 0.01',
          '[ITAL ROUNDED  RM 8.10',
          'CASH  RM 50.00',
          'CHANGE  RM 41.90',
        ]),
      );
      expect(r).toMatchObject({ total: '8.10', tax: null });
    });
  });

  describe('payments', () => {
    it('takes what cash less change says was paid when no total line survived OCR', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Nasi Lemak   12.00',
          'Teh Tarik    2.80',
          'Grand Total TTT g280',
          'Cash Received   100.00',
          'Change   7.20',
        ]),
      );
      expect(r.total).toBe('92.80');
    });

    it('takes the card charge when no total line survived OCR', () => {
      const r = parseReceipt(
        receipt([...shop, 'Shampoo 400ml   32.90', 'Tot¥/shs Jnclusve GST: go #6', 'Master Card   63.80']),
      );
      expect(r.total).toBe('63.80');
    });

    it('prefers what was paid over a weaker "amount" line', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Parking Fee Rate A   RM4.00',
          'Amount [9-11 & RM3.77',
          'GST 6.00 % B02',
          'Paid   RM4.00',
          'Change   RM0.00',
        ]),
      );
      expect(r.total).toBe('4.00');
    });

    it('is unsure of a total the payments contradict', () => {
      const agreed = readFields(receipt([...shop, 'Total (RM) :   112.46', 'CASH :   112.46', 'Change (RM) :   0.00']));
      const contradicted = readFields(
        receipt([...shop, 'Total (RM) :   112.46', 'CASH :   112.48', 'Change (RM) :   0.00']),
      );
      expect(contradicted.total).toBe('112.46');
      expect(contradicted.field_confidence.total).toBeLessThan(agreed.field_confidence.total);
    });

    it('reads a total whose point OCR lost when only its cents fit the cash handed over', () => {
      const r = parseReceipt(
        receipt([...shop, 'os 2 1 1000 000 1000 ZR', '3 GRAND TOTAL 1000', 'CASH 20.00 MYR 2000', 'CHANGE DUE 10.00']),
      );
      expect(r.total).toBe('10.00');
    });

    it('does not take a total line that says more than the cash handed over', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Hollow punch set   56.70',
          'Total Seles (Exchidng GST) © 9817',
          'Discount   0.00',
          'Yotal Sales (Inclusive of GST) : 100.90',
          'CASH : 101.00',
          'Change : 0.10',
        ]),
      );
      expect(r.total).toBe('100.90');
    });

    it('does not read "ALACARTE" as a card payment', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'ALACARTE SUSHI   2.80',
          'ALACARTE SUSHI   1.80',
          'Total Sales: RMS.75',
          'Tendered: RM10.00',
          'Change: RM0.25',
        ]),
      );
      expect(r.total).toBe('9.75');
    });
  });

  describe('no total line read', () => {
    it('takes the subtotal and the tax added after it', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'PAINT 5L   68.87',
          'Sub Total : RM 68.87',
          'GST/TAX 6% : RM 4.13',
          'TOTAL ;& ~~ 7',
          'CHANGE: RM 0.00',
        ]),
      );
      expect(r.total).toBe('73.00');
    });

    it('takes the subtotal alone when the tax is printed as included', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'PADLOCK 72MM   3 x 8.00   24.00',
          'SUB-TOTAL (GST)   24.00',
          'GST @ 6% INCLUDED IN TOTAL   1.36',
          'TOTAL =4 oe',
        ]),
      );
      expect(r.total).toBe('24.00');
    });

    it('ranks the subtotal below a total line that was read', () => {
      const r = parseReceipt(
        receipt([...shop, 'Sub Total   68.87', 'GST 6%   4.13', 'TOTAL   73.00', 'CASH   100.00', 'CHANGE   27.00']),
      );
      expect(r.total).toBe('73.00');
      expect(parseReceipt(receipt([...shop, 'Sub Total   20.00', 'Discount   -2.00', 'TOTAL   18.00'])).total).toBe(
        '18.00',
      );
    });

    it('does not take a "rounding" amount smaller than what was printed above it for the total', () => {
      const r = parseReceipt(
        receipt([...shop, 'SOCKET 13A   16.00', 'SUB-TOTAL (GST)   16.00', 'ROUNDING   4.00', 'TOTAL 1G,:0O']),
      );
      expect(r.total).toBe('16.00');
    });
  });

  describe('the amount on a total line', () => {
    it('reads a "$" misread as "5" in front of the total on a dollar-marked receipt', () => {
      const r = parseReceipt(
        receipt([
          'BAR WANG RICE SDN BHD',
          '12, Jalan Tampoi 7/4, 81200 Johor Bahru',
          '12/03/2018',
          'Meat + 3 Vege   $7.10',
          'Vegetable   $1.10',
          'Total Amount: $8.20',
          'Nett Total: 58.20',
          'Change $0.00',
        ]),
      );
      expect(r.total).toBe('8.20');
    });

    it('prefers a total with cents over a stray bare number on a total line', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'ORDER CHIT NCR   2 X 2.9000   5.80 SR',
          'Total Sales Inclusive GST @6% : 5:80. 1',
          'Total 5.80',
          'Final Total 5.80',
          'CASH ; 6.00',
        ]),
      );
      expect(r.total).toBe('5.80');
    });

    it('reads ringgit markers OCR glued to the amount ("M1.00", "RI4.00", "R43.40")', () => {
      expect(
        parseReceipt(receipt([...shop, 'Parking Fee RMD. 34', 'Total M1.00', 'Paid M1.00', 'Change fM0.00'])).total,
      ).toBe('1.00');
      expect(parseReceipt(receipt([...shop, 'Entry  RM3.77', 'Total o. gp RI4.00', 'Change RM0.00'])).total).toBe(
        '4.00',
      );
      expect(parseReceipt(receipt([...shop, 'Runcit  RM14.00', 'Runcit  RM29.40', 'TOTAL R43.40'])).total).toBe(
        '43.40',
      );
    });

    it('reads a space after a currency marker as the decimal point', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Tiger Bucket  1  55.00  58 30',
          'Total Sales (Incl GST 6%) RM 64 13',
          'Rounding Adjustment RM 0 02',
          'Total Discount RM O 00',
        ]),
      );
      expect(r.total).toBe('64.15');
    });

    it('repairs a 2 read as "z" inside an amount', () => {
      const r = parseReceipt(receipt([...shop, 'SUB-TOTAL (GST)   12.19', 'ROUNDING   -0.04', 'TOTAL 1z. 15']));
      expect(r.total).toBe('12.15');
    });

    it('does not take a tax statement that starts with "Total" for the total', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'KAYA PUFF  4  1.10  4.40',
          'CHEESE TART  1  20.75',
          'Qty 5   25.15',
          '(Total Included GST @ 6% : 1.42)',
        ]),
      );
      expect(r.total).not.toBe('1.42');
    });

    it('classifies the line by its label even when a number comes first', () => {
      const r = parseReceipt(
        receipt([
          ...shop,
          'Sushi   2 x 2.80   5.60',
          'Green Tea   1.00',
          '3 GRAND TOTAL 6.60',
          'Member points balance   120.00',
        ]),
      );
      expect(r.total).toBe('6.60');
    });
  });
});

describe('currency: symbols OCR made up', () => {
  it('keeps ringgit when "@" unit prices were read as "€" on a Malaysian receipt', () => {
    const r = parseReceipt(
      receipt([
        'AEON CO. (M) BHD (126926-H)',
        'JLN JEJAKA, TAMAN MALURI',
        'CHERAS, 55100 KUALA LUMPUR',
        'GST ID : 002017384688',
        'Item promo €9.99 -5.00',
        'Item promo €12.89 -5.40',
        'Item promo €12.89 -5.40',
        'Total Sales Incl GST 98.37',
      ]),
    );
    expect(r.currency).toBe('MYR');
  });
});
