import { parseReceipt, readFields } from './receipt-parser';

// Each case is a kind of receipt, written for the test: what OCR typically makes of it.
const receipt = (lines: string[]) => lines.join('\n');
const items = ['Item A   4.00', 'TOTAL   4.00'];

describe('date: the plausible one', () => {
  it('ignores a date-looking part of a product code and takes the one printed with a time', () => {
    const r = parseReceipt(
      receipt([
        'HARDWARE SDN BHD',
        'SPRAYER 1.5L',
        'HCO3-7 - 15',
        '9066468  1X  8.02',
        ...items,
        '12-01-19 21:13 SH01 T4 R000027830',
      ]),
    );
    expect(r.date).toBe('2019-01-12');
  });

  it('prefers a date printed with a time over another bare date', () => {
    const r = parseReceipt(
      receipt(['CORNER SHOP', 'Valid 2 weeks', 'Ref 03/02/18', ...items, '11/12/2017 21:42 POS:12']),
    );
    expect(r.date).toBe('2017-12-11');
  });

  it('drops a date after the day the receipt was received', () => {
    const text = receipt(['CORNER SHOP', 'Date: 12/04/2026', ...items, 'Promo until 30/11/2026']);
    expect(parseReceipt(text, { referenceDate: '2026-06-01' }).date).toBe('2026-04-12');
    expect(
      readFields(receipt(['CORNER SHOP', 'Date: 30/11/2026', ...items]), { referenceDate: '2026-06-01' }).date,
    ).toBeNull();
  });

  it('reads a labelled date whose separators OCR lost entirely', () => {
    expect(parseReceipt(receipt(['CORNER SHOP', 'Salesperson:  Date 12022018', ...items])).date).toBe('2018-02-12');
  });

  it('reads month names as OCR misreads them', () => {
    expect(parseReceipt(receipt(['CORNER SHOP', 'fate 1 05 lan 2017 12:41pm', ...items])).date).toBe('2017-01-05');
    expect(
      parseReceipt(receipt(['Lone Star Grill', 'Raleigh, NC 27608', ...items, 'Dare: Jui 8, 2026  Time: 09:56'])).date,
    ).toBe('2026-07-08');
    expect(parseReceipt(receipt(['CORNER SHOP', 'Date: 14 0ct 2024', ...items])).date).toBe('2024-10-14');
  });

  it('reads an ambiguous date in the field order the receipt shows elsewhere', () => {
    // A US address would say month-first; the receipt's own "25/12" says day-first.
    const r = parseReceipt(
      receipt([
        'Portland Deli',
        'Portland, OR 97205',
        'Date: 03/04/2024 10:12',
        ...items,
        'Gift card valid until 25/12/2024',
      ]),
    );
    expect(r.date).toBe('2024-04-03');
  });

  it('is unsure when two different dates are just as likely', () => {
    const text = receipt(['CORNER SHOP', 'Date : 11-08-2018 12:51:34', ...items, 'Date : 11-06-2018 12:52:23']);
    expect(readFields(text).date).not.toBeNull();
    const r = parseReceipt(text);
    expect(r.date).toBeNull();
    expect(r.field_confidence.date).toBeGreaterThan(0);
  });

  it('gives a date printed twice more confidence than a lone one', () => {
    const once = readFields(receipt(['CORNER SHOP', '20/06/2018 18:07', ...items]));
    const twice = readFields(receipt(['CORNER SHOP', '20/06/2018 18:07', ...items, '20/06/2018 18:07:10']));
    expect(twice.field_confidence.date).toBeGreaterThan(once.field_confidence.date);
  });
});
