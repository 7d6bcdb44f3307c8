import { parseReceipt, readFields } from './receipt-parser';

const receipt = (lines: string[]) => lines.join('\n');

describe('parseReceipt', () => {
  describe('totals', () => {
    it('takes TOTAL, not the SUBTOTAL above it nor the cash and change below', () => {
      const r = parseReceipt(
        receipt([
          'Harbor Lights Diner',
          '9400 Broadway',
          'Raleigh, NC 27601',
          '(288) 526-4027',
          'Date: 01/09/2026          Time: 21:46',
          'Pasta Carbonara                 15.38',
          'Glass of House Red               8.50',
          'SUBTOTAL                        23.88',
          'Sales Tax 7.25%                  1.73',
          'TOTAL                           25.61',
          'CASH                            50.00',
          'CHANGE                          24.39',
          'Thank you for stopping by!',
        ]),
      );
      expect(r).toMatchObject({
        is_receipt: true,
        merchant: 'Harbor Lights Diner',
        date: '2026-01-09',
        total: '25.61',
        currency: 'USD',
        tax: '1.73',
      });
      expect(r.field_confidence.total).toBeGreaterThan(0.8);
    });

    it.each([
      ['AMOUNT DUE', '33.05'],
      ['GRAND TOTAL', '33.05'],
      ['TOTAL DUE', '33.05'],
      ['BALANCE DUE', '33.05'],
      ['TOTAL TO PAY', '33.05'],
      ['NETT TOTAL', '33.05'],
      ['ROUNDED TOTAL', '33.05'],
      ['TOTAL (RM)', '33.05'],
    ])('reads a total labelled %s', (label, total) => {
      const r = parseReceipt(
        receipt([
          'CORNER SHOP',
          'Date: 2024-03-19',
          'Milk 2L          3.05',
          'Bread            30.00',
          `${label}       ${total}`,
          'CASH            50.00',
          'CHANGE          16.95',
        ]),
      );
      expect(r.total).toBe(total);
    });

    it('prefers the rounded grand total over the total before rounding', () => {
      const r = parseReceipt(
        receipt([
          'YAM FRESH',
          'Date: 2016-07-31 13:48:37',
          'Yam Fresh Signature-C   1   RM7.90',
          'Sub-Total              RM7.90',
          '6% GST                 RM0.47',
          'Total Incl GST         RM8.37',
          'Rounding              -RM0.02',
          'Grand Total            RM8.35',
          'Cash                  RM10.50',
          'Change                 RM2.15',
        ]),
      );
      expect(r).toMatchObject({ total: '8.35', currency: 'MYR', tax: '0.47' });
    });

    it('ignores the GST summary table total after the change line', () => {
      const r = parseReceipt(
        receipt([
          'AEON CO. (M) BHD (126926-H)',
          '3RD FLR, AEON TAMAN MALURI SC',
          'JLN JEJAKA, TAMAN MALURI',
          'CHERAS, 55100 KUALA LUMPUR',
          'GST ID : 002017394688',
          'Sub-total                  31.00',
          'Total Sales Incl GST       31.00',
          'CASH                       50.00',
          'Change Amount              19.00',
          'GST Summary       Amount      Tax',
          'SR 6%              29.24     1.76',
          'Total              29.24     1.76',
          '09/03/2018 18:54  1008 001 0010555',
        ]),
      );
      expect(r).toMatchObject({ total: '31.00', currency: 'MYR', date: '2018-03-09', merchant: 'AEON CO. (M) BHD' });
    });

    it('reads an amount printed on the line after its label', () => {
      const r = parseReceipt(
        receipt([
          'Lone Star BBQ & Grill',
          'Date: 05/28/2024',
          'Fish & Chips  18.85',
          'SUBTOTAL',
          '43.55',
          'Total',
          '47.14',
          'VISA **** 2859  47.14',
        ]),
      );
      expect(r.total).toBe('47.14');
    });

    it('falls back to the card charge when the total line is unreadable', () => {
      const r = parseReceipt(
        receipt([
          'Kingsway Hardware',
          'Date: May 28, 2025',
          'Hammer       12.00',
          'Nails         4.10',
          'Screws        7.00',
          'T@tl ~~ ee',
          'MASTERCARD **** 6457     23.10',
        ]),
      );
      expect(r.total).toBe('23.10');
      expect(r.field_confidence.total).toBeLessThan(0.8);
    });

    it('falls back to cash tendered minus change, never to the cash handed over', () => {
      const r = parseReceipt(
        receipt([
          'KEDAI RUNCIT AH SENG',
          'JALAN PASAR, KLANG',
          'Milo 1kg   18.50',
          'Gula 2kg    5.80',
          '~~ ~~ ~~',
          'CASH   50.00',
          'CHANGE  25.70',
        ]),
      );
      expect(r.total).toBe('24.30');
      expect(r.currency).toBe('MYR');
    });

    it('uses the largest amount only as a last resort, too unsure to be given', () => {
      const text = receipt([
        'Maple Street Deli',
        'Soup of the Day   8.35',
        'Caesar Salad     12.00',
        'Sparkling Water   3.68',
        '~~ ~~',
        '24.03',
      ]);
      expect(readFields(text).total).toBe('24.03');
      const r = parseReceipt(text);
      expect(r).toMatchObject({ is_receipt: true, total: null });
      expect(r.field_confidence.total).toBeGreaterThan(0);
      expect(r.field_confidence.total).toBeLessThan(0.5);
    });

    it('reads OCR noise inside amounts and labels', () => {
      const r = parseReceipt(
        receipt([
          'Northside Hardware Co.',
          'Date: 03/18/2025',
          'Drill bits    2O.5O',
          'SUBT0TAL      3l.2O',
          'TOTA L        34. 05',
          'VISA **** 1111    34.05',
        ]),
      );
      expect(r.total).toBe('34.05');
    });

    it('reads "S" before a price as a dollar sign', () => {
      const r = parseReceipt(
        receipt([
          'UNIHAKKA INTERNATIONAL SDN BHD',
          '12 Mar 2018 18:19',
          'Total Amount: S8.20',
          'GST @6%: S0.46',
          'Nett Total: S8.20',
        ]),
      );
      expect(r).toMatchObject({ total: '8.20', date: '2018-03-12', currency: 'MYR', tax: '0.46' });
    });

    it('restores a decimal point OCR dropped when the card line confirms it', () => {
      const r = parseReceipt(
        receipt([
          'LIFFEY STREET BOOKS',
          'DUBLIN 2, D02 X285',
          'Travel guide   18.93',
          'Novel   14.35',
          'BALANCE DUE     12804',
          'MASTERCARD **** 8177    128.04',
        ]),
      );
      expect(r.total).toBe('128.04');
    });
  });

  describe('number formats and currencies', () => {
    it('reads comma decimals and infers EUR from French cues', () => {
      const r = parseReceipt(
        receipt([
          'PHARMACIE DU CENTRE',
          '91 AVENUE VICTOR HUGO',
          '69002 LYON',
          'Tél. 01 17 20 65 19',
          'Date: 26.05.2025        Heure: 08:34',
          'ALLERGY RELIEF 10CT          13,10',
          'VITAMIN C 1000MG',
          '4x 11,80                      47,20',
          'TOTAL TTC                    60,30',
          'dont TVA 10%                  5,48',
          'CB **** 0880                 60,30',
          'A bientot !',
        ]),
      );
      expect(r).toMatchObject({
        merchant: 'PHARMACIE DU CENTRE',
        date: '2025-05-26',
        total: '60.30',
        currency: 'EUR',
        tax: '5.48',
      });
    });

    it('reads German receipts: SUMME, MwSt, thousands with dots', () => {
      const r = parseReceipt(
        receipt([
          'ELEKTRO MÜLLER GMBH',
          'Hauptstraße 12',
          '10115 Berlin',
          'Datum: 03.04.2024',
          'Waschmaschine            1.199,00',
          'Lieferung                   35,99',
          'SUMME EUR                1.234,99',
          'MwSt 19%                   197,18',
          'Karte                    1.234,99',
        ]),
      );
      expect(r).toMatchObject({
        merchant: 'ELEKTRO MÜLLER GMBH',
        date: '2024-04-03',
        total: '1234.99',
        currency: 'EUR',
        tax: '197.18',
      });
    });

    it('reads thousands with commas', () => {
      const r = parseReceipt(
        receipt([
          'BEST ELECTRONICS INC',
          'Date: 11/02/2024',
          'Laptop   1,199.00',
          'SUBTOTAL   1,199.00',
          'TAX   99.52',
          'TOTAL   $1,298.52',
        ]),
      );
      expect(r).toMatchObject({ total: '1298.52', currency: 'USD', date: '2024-11-02', tax: '99.52' });
    });

    it('reads yen without decimals from 合計 and ¥', () => {
      const r = parseReceipt(
        receipt([
          'CUSTOMER COPY',
          'YAMADA HARDWARE',
          '1-2-3 NISHI-SHINJUKU',
          'SHINJUKU-KU, TOKYO 160-0023',
          'Date: 2024-04-01',
          'MASKING TAPE   ¥1,140',
          'SEALANT        ¥1,270',
          '合計            ¥2,410',
          '(内消費税 8%)     ¥178',
          'CASH   ¥3,000',
          'CHANGE   ¥590',
        ]),
      );
      expect(r).toMatchObject({
        merchant: 'YAMADA HARDWARE',
        date: '2024-04-01',
        total: '2410',
        currency: 'JPY',
        tax: '178',
      });
    });

    it('infers JPY from GOKEI and amounts without decimals when no symbol is printed', () => {
      const r = parseReceipt(
        receipt([
          'MINATO DRUGSTORE',
          'CHUO-KU, TOKYO 104-0061',
          'Date: 2024-01-28',
          'HAND SANITIZER   520',
          '3 x 370   1,110',
          'SUBTOTAL   1,630',
          'CONSUMPTION TAX 8%   130',
          'GOKEI   1,760',
          'JCB **** 1373   1,760',
        ]),
      );
      expect(r).toMatchObject({ total: '1760', currency: 'JPY', tax: '130', date: '2024-01-28' });
    });

    it('reads GBP from £ and VAT', () => {
      const r = parseReceipt(
        receipt([
          '*** WELCOME ***',
          'Penny Lane Grocers',
          '240 High Street',
          'Edinburgh EH1 1YZ',
          'VAT Reg No. GB 956 9595 50',
          'Date: 31.07.2024',
          'Tomatoes 500g   £2.13',
          'TOTAL   £35.87',
          'VAT 20% incl.   £5.98',
          'CASH   £40.00',
          'CHANGE   £4.13',
        ]),
      );
      expect(r).toMatchObject({
        merchant: 'Penny Lane Grocers',
        date: '2024-07-31',
        total: '35.87',
        currency: 'GBP',
        tax: '5.98',
      });
    });

    it('infers GBP without a symbol from a UK VAT number and postcode', () => {
      const r = parseReceipt(
        receipt([
          'CAMDEN STATIONERS LTD',
          '83 KINGS ROAD',
          'LEEDS LS1 4PY',
          'VAT Reg No. GB 270 1254 37',
          'Date: 23.03.2026',
          'STAPLER   12.67',
          'TOTAL   39.04',
          'VAT 20% incl.   6.51',
        ]),
      );
      expect(r).toMatchObject({ currency: 'GBP', total: '39.04', date: '2026-03-23' });
    });

    it('infers EUR for an Irish receipt that prints VAT but no symbol', () => {
      const r = parseReceipt(
        receipt([
          "O'CONNELL HARDWARE LTD",
          '92 PATRICK STREET',
          'DUBLIN 2, D02 X285',
          'VAT No. IE3587593X',
          'Date: Jun 4, 2025',
          'HAMMER   40.20',
          'TOTAL   66.89',
          'VAT 9% incl.   5.52',
        ]),
      );
      expect(r).toMatchObject({
        merchant: "O'CONNELL HARDWARE LTD",
        currency: 'EUR',
        total: '66.89',
        date: '2025-06-04',
      });
    });

    it('reads currency codes', () => {
      const r = parseReceipt(
        receipt([
          'Zurich Airport Kiosk',
          'Date: 2024-02-02',
          'Water   EUR 3.50',
          'Sandwich   EUR 8.90',
          'TOTAL   EUR 12.40',
        ]),
      );
      expect(r).toMatchObject({ currency: 'EUR', total: '12.40' });
    });

    it('reads "$" as ringgit on a Malaysian receipt', () => {
      const r = parseReceipt(
        receipt([
          'BAR WANG RICE SDN BHD',
          '12, Jalan Tampoi 7/4',
          '81200 Johor Bahru, Johor',
          '12/03/2018',
          'Total Amount: $8.20',
          'Nett Total: $8.20',
        ]),
      );
      expect(r.currency).toBe('MYR');
    });

    it('leaves the currency null when nothing on the receipt tells it', () => {
      const r = parseReceipt(
        receipt(['Corner Kiosk', 'Date: 2024-05-01', 'Item A   2.00', 'Item B   3.00', 'TOTAL   5.00']),
      );
      expect(r.total).toBe('5.00');
      expect(r.currency).toBeNull();
      expect(r.field_confidence.currency).toBe(0);
    });
  });

  describe('dates', () => {
    const dateOf = (dateLine: string, extra: string[] = []) =>
      parseReceipt(receipt(['Test Shop', ...extra, dateLine, 'Item   4.00', 'TOTAL   4.00'])).date;

    it('reads ISO dates', () => expect(dateOf('Date: 2024-03-12')).toBe('2024-03-12'));
    it('reads month names day-first', () => expect(dateOf('12 Mar 2024 18:19')).toBe('2024-03-12'));
    it('reads month names month-first', () => expect(dateOf('Date: Mar 12, 2024')).toBe('2024-03-12'));
    it('reads a day above 12 as the day, whatever the locale', () => {
      expect(dateOf('Date: 12/25/2024', ['Portland, OR 97205'])).toBe('2024-12-25');
      expect(dateOf('Date: 25/12/2024', ['Portland, OR 97205'])).toBe('2024-12-25');
    });
    it('reads ambiguous dates month-first on a US receipt', () =>
      expect(dateOf('Date: 03/04/2024', ['Portland, OR 97205', '(503) 555-0101'])).toBe('2024-03-04'));
    it('reads ambiguous dates day-first on a Malaysian receipt', () =>
      expect(dateOf('Date: 03/04/2024', ['JALAN BESAR, 45600 SELANGOR'])).toBe('2024-04-03'));
    it('reads dotted day-first dates', () => expect(dateOf('Datum: 03.04.2024', ['SUMME'])).toBe('2024-04-03'));
    it('reads two-digit years', () =>
      expect(dateOf('11/02/18 19:21 Slip No.: 6030098553', ['Kuala Lumpur, Malaysia'])).toBe('2018-02-11'));
    it('reads Japanese dates', () => expect(dateOf('2024年3月12日 10:20')).toBe('2024-03-12'));
    it('repairs a 0 that OCR read as 6', () =>
      expect(dateOf('Date : 14-62-2018 13:02:42', ['KUALA LUMPUR'])).toBe('2018-02-14'));
    it('joins a date split by stray spaces', () =>
      expect(dateOf('ORD #07 -REG #19- 10/03/2018 17:24:07', ['Selangor'])).toBe('2018-03-10'));
    it('prefers the labelled date over others', () => {
      const r = parseReceipt(receipt(['Test Shop', 'Member since 01/01/2019', 'Date: 2024-06-11', 'TOTAL   4.00']));
      expect(r.date).toBe('2024-06-11');
    });
    it('reads a date whose separator OCR lost', () => {
      expect(dateOf('DD: 1609/2017 11:59', ['Shah Alam, Selangor'])).toBe('2017-09-16');
      expect(dateOf('Date: 16/092017', ['Shah Alam, Selangor'])).toBe('2017-09-16');
    });
    it('falls back to a digit run whose slash OCR read as a 7 only when no date is printed otherwise, and withholds it', () => {
      const guessed = receipt([
        'Test Shop',
        'SERI KEMBANGAN, SELANGOR',
        '300372018 No. :CS-20322',
        'Item   4.00',
        'TOTAL   4.00',
      ]);
      expect(readFields(guessed).date).toBe('2018-03-30');
      expect(parseReceipt(guessed).date).toBeNull();
      expect(dateOf('Invoice 300372018', ['SERI KEMBANGAN, SELANGOR', 'Date: 01/04/2018'])).toBe('2018-04-01');
    });
    it('does not read a long reference number as a date', () =>
      expect(dateOf('Ref 123456789012', ['SELANGOR'])).toBeNull());
    it('keeps raw_text storable: no NUL, no unpaired surrogates', () => {
      const r = parseReceipt(receipt(['Test\u0000 Shop \ud800', 'Date: 2024-03-12', 'TOTAL   4.00']));
      expect(r.raw_text).not.toMatch(/\u0000/);
      expect((r.raw_text as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true);
      expect(r.total).toBe('4.00');
    });
    it('rejects impossible dates', () => expect(dateOf('Date: 31/02/2024')).toBeNull());
    it('does not read a time or an amount as a date', () => {
      const r = parseReceipt(receipt(['Test Shop', 'Time: 10:55', 'CASH : 4/3/78 50.00', 'TOTAL   4.00']));
      expect(r.date).toBeNull();
    });
  });

  describe('merchant', () => {
    it.each([
      [['CUSTOMER COPY', 'YAMADA HARDWARE'], 'YAMADA HARDWARE'],
      [['*** WELCOME ***', 'Penny Lane Grocers'], 'Penny Lane Grocers'],
      [['TAX INVOICE', 'PENNY LANE GROCERS'], 'PENNY LANE GROCERS'],
      [['SALES RECEIPT', 'Evergreen Auto Parts'], 'Evergreen Auto Parts'],
      [['Ticket de caisse', 'Brasserie Le Régent'], 'Brasserie Le Régent'],
      [['Store #0423', 'Lone Star BBQ & Grill'], 'Lone Star BBQ & Grill'],
    ])('skips the preheader %j', (head, merchant) => {
      const r = parseReceipt(
        receipt([...head, '12 Market Street', 'Tel: 0161 496 0000', 'Date: 2024-01-01', 'TOTAL  9.99']),
      );
      expect(r.merchant).toBe(merchant);
    });

    it('keeps street words inside a shop name', () => {
      const r = parseReceipt(
        receipt(['Oxford Road Chemist', '197 Market Square', 'Bristol BS1 5TR', 'Tel: 061 496 9309', 'TOTAL  9.99']),
      );
      expect(r.merchant).toBe('Oxford Road Chemist');
    });

    it('picks the legal entity line of a Malaysian receipt, without its company number', () => {
      const r = parseReceipt(
        receipt([
          'TEO HENG',
          'STATIONERY',
          'TEO HENG STATIONERY & BOOKS (001451637-M)',
          'NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI',
          'SELANGOR DARUL EHSAN',
          'GST No. : 000689913856',
          'TOTAL   18.00',
        ]),
      );
      expect(r.merchant).toBe('TEO HENG STATIONERY & BOOKS');
    });

    it('prefers the seller to the customer on a tax invoice', () => {
      const r = parseReceipt(
        receipt([
          'GARDENIA BAKERIES (KL) SDN BHD (119386 X)',
          'Lot 3, Jalan Pelabur 23/1,',
          '40300 Shah Alam, Selangor.',
          'TAX INVOICE / ADJUSTMENT NOTE',
          'Date: 03/09/2017',
          'MAKASSAR FRESH MARKET SDN BHD',
          'Total Payable: 29.59',
        ]),
      );
      expect(r.merchant).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    });

    it('joins a name that continues on the next line', () => {
      const r = parseReceipt(
        receipt(['HOME MASTER HARDWARE &', 'ELECTRICAL', 'NO.113G, JALAN SETIA', 'Total Amt Rounded  15.90']),
      );
      expect(r.merchant).toBe('HOME MASTER HARDWARE & ELECTRICAL');
    });

    it('skips OCR garbage above the name', () => {
      const r = parseReceipt(
        receipt([
          'abriede BEER io LEER aL',
          'SYARIKAT PERNIAGAAN GIN KEE',
          '(81109-A)',
          'NO 290, JALAN AIR PANAS,',
          'TOTAL   23.32',
        ]),
      );
      expect(r.merchant).toBe('SYARIKAT PERNIAGAAN GIN KEE');
    });
  });

  describe('tax', () => {
    it('ignores tax registration numbers and the "tax invoice" heading', () => {
      const r = parseReceipt(
        receipt([
          'ASO ELECTRICAL TRADING SDN BHD',
          'GST NO: 000683900928',
          'TAX INVOICE',
          'Sub Total   93.40',
          'Total GST   5.60',
          'Total :   99.00',
        ]),
      );
      expect(r).toMatchObject({ total: '99.00', tax: '5.60' });
    });

    it('reads a tax included in the total', () => {
      const r = parseReceipt(
        receipt([
          'Oxford Road Chemist',
          'Bristol BS1 5TR',
          'Amount Due   33.05',
          'VAT 20% incl.   5.51',
          'CASH   50.00',
          'CHANGE   16.95',
        ]),
      );
      expect(r).toMatchObject({ total: '33.05', tax: '5.51', currency: 'GBP' });
    });

    it('is null when no tax is printed', () => {
      expect(parseReceipt(receipt(['Test Shop', 'Item   4.00', 'TOTAL   4.00'])).tax).toBeNull();
    });
  });

  describe('not a receipt', () => {
    it.each([
      ['empty text', ''],
      ['OCR noise', 'Fo w= Fa\n3 == = —— = =\n=  ——— — ='],
      ['a letter', 'Dear Sir,\nThank you for your letter of 12 March.\nWe will reply within 14 days.\nKind regards'],
      ['a phone list', 'Alice 0107 137 3299\nBob 0161 496 0000\nCarol 020 7946 0018'],
    ])('rejects %s with every field null', (_name, text) => {
      const r = parseReceipt(text);
      expect(r).toEqual({
        is_receipt: false,
        merchant: null,
        date: null,
        total: null,
        currency: null,
        tax: null,
        confidence: 0,
        field_confidence: { merchant: 0, date: 0, total: 0, currency: 0, tax: 0 },
        raw_text: text,
      });
    });
  });

  describe('confidence', () => {
    const text = receipt([
      'Harbor Lights Diner',
      'Raleigh, NC 27601',
      'Date: 01/09/2026',
      'Pasta  15.38',
      'TOTAL   15.38',
      'VISA **** 1234   15.38',
    ]);

    it('is lower when OCR was unsure of its words', () => {
      const sure = parseReceipt(text, { wordConfidence: 0.95 });
      const unsure = parseReceipt(text, { wordConfidence: 0.3 });
      expect(unsure.total).toBe(sure.total);
      expect(unsure.confidence).toBeLessThan(sure.confidence);
      expect(unsure.field_confidence.total).toBeLessThan(sure.field_confidence.total);
    });

    it('stays within 0..1 and is 0 for fields not found', () => {
      const r = parseReceipt(text, { wordConfidence: 1 });
      for (const value of [r.confidence, ...Object.values(r.field_confidence)]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(r.field_confidence.tax).toBe(0);
    });
  });
});
