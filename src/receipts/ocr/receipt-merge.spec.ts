import { ReceiptExtraction } from './extraction';
import { mergeReadings } from './receipt-merge';
import { FIELD_THRESHOLD, readFields, withholdUnsure } from './receipt-parser';

const reading = (
  fields: Partial<ReceiptExtraction>,
  confidence: Partial<ReceiptExtraction['field_confidence']> = {},
): ReceiptExtraction => ({
  is_receipt: true,
  merchant: 'CORNER SHOP',
  date: '2018-03-14',
  total: '12.50',
  currency: 'MYR',
  tax: '0.71',
  confidence: 0.8,
  raw_text: 'first',
  ...fields,
  field_confidence: { merchant: 0.8, date: 0.8, total: 0.8, currency: 0.8, tax: 0.7, ...confidence },
});

describe('mergeReadings: two readings of one page', () => {
  it('is surer of what both readings agree on', () => {
    const merged = mergeReadings(reading({}), reading({ raw_text: 'second' }, { total: 0.7 }));
    expect(merged).toMatchObject({ total: '12.50', date: '2018-03-14', raw_text: 'first' });
    expect(merged.field_confidence.total).toBeGreaterThan(0.8);
  });

  it('takes a field only one reading found, as sure as that reading was', () => {
    const merged = mergeReadings(reading({ date: null }, { date: 0 }), reading({ date: '2018-03-15' }, { date: 0.75 }));
    expect(merged.date).toBe('2018-03-15');
    expect(merged.field_confidence.date).toBe(0.75);
  });

  it('keeps the surer of two different values, less sure than it was', () => {
    const unsure = mergeReadings(
      reading({ date: '2018-08-20' }, { date: 0.6 }),
      reading({ date: '2018-06-20' }, { date: 0.65 }),
    );
    expect(unsure.date).toBe('2018-06-20');
    expect(unsure.field_confidence.date).toBeLessThan(FIELD_THRESHOLD);
    expect(withholdUnsure(unsure).date).toBeNull();
    const sure = mergeReadings(
      reading({ total: '52.08' }, { total: 0.9 }),
      reading({ total: '52.10' }, { total: 0.6 }),
    );
    expect(withholdUnsure(sure).total).toBe('52.08');
    expect(sure.field_confidence.total).toBeLessThan(0.9);
  });

  it('keeps the tax of the reading whose total it keeps', () => {
    const merged = mergeReadings(
      reading({ total: null, tax: null }, { total: 0, tax: 0 }),
      reading({ total: '52.10', tax: '2.95' }, { total: 0.8, tax: 0.7 }),
    );
    expect(merged).toMatchObject({ total: '52.10', tax: '2.95' });
  });

  it('takes the other reading whole when one saw no receipt', () => {
    const none = readFields('');
    expect(mergeReadings(none, reading({})).total).toBe('12.50');
    expect(mergeReadings(reading({}), none).total).toBe('12.50');
  });

  it('treats two spellings of one merchant as agreement', () => {
    const merged = mergeReadings(
      reading({ merchant: 'GARDENIA BAKERIES (KL) SDN BHD' }),
      reading({ merchant: 'GARDENIA BAKERIES (KI) SDN BHD' }),
    );
    expect(merged.merchant).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(merged.field_confidence.merchant).toBeGreaterThan(0.8);
  });
});
