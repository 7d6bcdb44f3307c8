import type { Budget } from './budget';
import { addJudgedToConsumption, addJudgedToTotals, JudgedSpend, normalizeMerchant } from './earlier-lines';

const budget = (over: Partial<Budget>): Budget => ({
  id: 'b',
  organizationId: 'o',
  name: 'B',
  scope: 'organization',
  scopeId: null,
  period: 'month',
  startsOn: null,
  endsOn: null,
  amountMinor: 100_00n,
  currency: 'USD',
  countsPending: true,
  rollover: false,
  createdBy: 'u',
  createdOn: '2026-01-01',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

const line = (over: Partial<JudgedSpend>): JudgedSpend => ({
  userId: 'u',
  teamId: 't',
  categoryId: 'meals',
  merchant: 'Cafe',
  spendDate: '2026-03-10',
  baseCurrency: 'USD',
  baseAmountMinor: '3500',
  ...over,
});

const zero = { userCategoryDay: 0n, userCategoryMonth: 0n, teamPeriod: 0n, merchant7d: 0, merchant30d: 0 };
const windows = {
  userId: 'u',
  currency: 'USD',
  categoryId: 'meals',
  spendDate: '2026-03-10',
  month: { start: '2026-03-01', end: '2026-03-31' },
  teamId: 't',
  teamPeriod: { start: '2026-03-01', end: '2026-03-31' },
  merchant: 'cafe',
};

describe('earlier lines in the aggregates', () => {
  it('normalizes a merchant as SQL lower(btrim()) does: spaces only', () => {
    expect(normalizeMerchant('  Cafe Luna ')).toBe('cafe luna');
    expect(normalizeMerchant('\tCafe')).toBe('\tcafe');
    expect(normalizeMerchant('   ')).toBeNull();
    expect(normalizeMerchant(null)).toBeNull();
  });

  it('adds the judged lines to the day, month, team and merchant totals they fall in', () => {
    const judged = [
      line({}),
      line({ spendDate: '2026-03-20', merchant: ' CAFE' }),
      line({ spendDate: '2026-04-02', categoryId: 'books', merchant: 'Other' }),
      line({ baseCurrency: 'EUR' }),
      line({ userId: 'someone else' }),
    ];
    expect(addJudgedToTotals(zero, windows, judged)).toEqual({
      userCategoryDay: 35_00n,
      userCategoryMonth: 70_00n,
      teamPeriod: 70_00n,
      merchant7d: 1,
      merchant30d: 2,
    });
    expect(addJudgedToTotals(zero, { ...windows, categoryId: null, teamId: null, merchant: null }, judged)).toEqual(
      zero,
    );
  });

  it('adds the judged lines to the budgets whose scope, currency and period they fall in', () => {
    const org = budget({ id: 'org' });
    const team = budget({ id: 'team', scope: 'team', scopeId: 'other team' });
    const rolled = budget({ id: 'rolled', scope: 'category', scopeId: 'meals', rollover: true });
    const march = { start: '2026-03-01', end: '2026-03-31' };
    const february = { start: '2026-02-01', end: '2026-02-28' };
    const consumption = new Map([
      ['org', { spentMinor: 60_00n, committedMinor: 5_00n, previousMinor: null }],
      ['rolled', { spentMinor: 0n, committedMinor: 0n, previousMinor: 10_00n }],
    ]);
    const result = addJudgedToConsumption(
      [
        { budget: org, current: march, previous: null },
        { budget: team, current: march, previous: null },
        { budget: rolled, current: march, previous: february },
      ],
      consumption,
      [line({}), line({ spendDate: '2026-02-27' }), line({ baseCurrency: 'EUR' })],
    );
    expect(result.get('org')).toEqual({ spentMinor: 95_00n, committedMinor: 5_00n, previousMinor: null });
    expect(result.get('team')).toEqual({ spentMinor: 0n, committedMinor: 0n, previousMinor: null });
    expect(result.get('rolled')).toEqual({ spentMinor: 35_00n, committedMinor: 0n, previousMinor: 45_00n });
    // The map read from the database is left as it was.
    expect(consumption.get('org')!.spentMinor).toBe(60_00n);
  });
});
