import type { Advance } from '../advances/advance';
import { offsetOf } from './expense-report.mapper';

const advance = (status: Advance['status'], baseAmountMinor: string) => ({ status, baseAmountMinor }) as Advance;

describe('the advances offset of a report', () => {
  it('takes paid advances off the approved total; approved ones are pending; the rest count for nothing', () => {
    const advances = [
      advance('paid', '30000'),
      advance('approved', '5000'),
      advance('requested', '7000'),
      advance('cancelled', '9000'),
    ];
    expect(offsetOf(50000n, advances)).toEqual({
      advancesTotalMinor: 30000n,
      advancesPendingMinor: 5000n,
      balanceMinor: 20000n,
      direction: 'reimburse',
    });
  });

  it('is owed back when the paid advances exceed the approved total, settled when they equal it', () => {
    expect(offsetOf(50000n, [advance('paid', '60000')])).toMatchObject({
      balanceMinor: -10000n,
      direction: 'owed_back',
    });
    expect(offsetOf(50000n, [advance('paid', '50000')])).toMatchObject({ balanceMinor: 0n, direction: 'settled' });
    expect(offsetOf(0n, [])).toMatchObject({ balanceMinor: 0n, direction: 'settled' });
  });
});
