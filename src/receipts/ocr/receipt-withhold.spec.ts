import { ReceiptExtraction } from './extraction';
import { parseReceipt, readFields, withholdUnsure } from './receipt-parser';

const reading = (confidence: Partial<ReceiptExtraction['field_confidence']>): ReceiptExtraction => ({
  is_receipt: true,
  merchant: 'CORNER SHOP',
  date: '2018-03-14',
  total: '12.50',
  currency: 'MYR',
  tax: '0.71',
  confidence: 0.8,
  raw_text: '',
  field_confidence: { merchant: 0.8, date: 0.8, total: 0.8, currency: 0.8, tax: 0.7, ...confidence },
});

describe('withholdUnsure: a wrong value is worse than none', () => {
  it('nulls each field under the threshold and keeps its confidence', () => {
    const r = withholdUnsure(reading({ date: 0.3, merchant: 0.45 }));
    expect(r).toMatchObject({ is_receipt: true, total: '12.50', date: null, merchant: null });
    expect(r.field_confidence).toMatchObject({ date: 0.3, merchant: 0.45 });
  });

  it('withholds the tax with the total it was read beside', () => {
    expect(withholdUnsure(reading({ total: 0.4, tax: 0.9 }))).toMatchObject({ total: null, tax: null });
  });

  it('is what parseReceipt applies', () => {
    const text = ['Maple Street Deli', 'Soup   8.35', 'Salad   12.00', 'Water   3.68', '24.03'].join('\n');
    expect(readFields(text).total).toBe('24.03');
    expect(parseReceipt(text).total).toBeNull();
  });
});
