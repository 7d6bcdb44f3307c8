import type { Budget } from './budget';
import { aggregateFacts, mostConstraining, periodForSpend, teamBudgetOf } from './budget-facts';

const budget = (over: Partial<Budget>): Budget => ({
  id: 'b',
  organizationId: 'o',
  name: 'B',
  scope: 'organization',
  scopeId: null,
  period: 'month',
  startsOn: null,
  endsOn: null,
  amountMinor: 1000_00n,
  currency: 'USD',
  countsPending: true,
  rollover: false,
  createdBy: 'u',
  createdOn: '2026-01-01',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('budget facts', () => {
  it('finds the period a spend falls in; a custom budget covers only its range', () => {
    expect(periodForSpend(budget({}), '2026-03-10')).toEqual({ start: '2026-03-01', end: '2026-03-31' });
    const custom = budget({ period: 'custom', startsOn: '2026-03-01', endsOn: '2026-03-05' });
    expect(periodForSpend(custom, '2026-03-05')).toEqual({ start: '2026-03-01', end: '2026-03-05' });
    expect(periodForSpend(custom, '2026-03-06')).toBeNull();
  });

  it('picks the budget with the lowest remaining once the spend is counted', () => {
    const big = budget({ id: 'big' });
    const small = budget({ id: 'small', amountMinor: 100_00n, countsPending: false });
    const consumption = new Map([
      ['big', { spentMinor: 500_00n, committedMinor: 0n, previousMinor: null }],
      // Pending spends do not consume a budget that counts approved and paid only.
      ['small', { spentMinor: 50_00n, committedMinor: 40_00n, previousMinor: null }],
    ]);
    expect(mostConstraining([big, small], consumption, 30_00n)).toMatchObject({
      budget: { id: 'small' },
      remainingMinor: 20_00n,
      usedPct: 80,
    });
    expect(mostConstraining([], consumption, 1n)).toBeNull();
  });

  it('adds the rolled-over amount of the previous period', () => {
    const rolling = budget({ amountMinor: 100_00n, rollover: true });
    const consumption = new Map([['b', { spentMinor: 0n, committedMinor: 0n, previousMinor: 40_00n }]]);
    expect(mostConstraining([rolling], consumption, 80_00n)).toMatchObject({ remainingMinor: 80_00n, usedPct: 50 });
  });

  it('leaves out what does not apply, and counts the spend in the totals', () => {
    const totals = {
      userCategoryDay: 50_00n,
      userCategoryMonth: 70_00n,
      teamPeriod: 0n,
      merchant7d: 1,
      merchant30d: 2,
    };
    const base = { currency: 'USD', amountMinor: 25_50n, totals, budget: null };
    expect(aggregateFacts({ ...base, categoryId: 'c', teamId: null, merchant: null })).toEqual({
      user_category_total_day: 75.5,
      user_category_total_month: 95.5,
    });
    expect(aggregateFacts({ ...base, categoryId: null, teamId: 't', merchant: 'x' })).toEqual({
      team_total_period: 25.5,
      same_merchant_count_7d: 1,
      same_merchant_count_30d: 2,
    });
    expect(teamBudgetOf([budget({ scope: 'team', scopeId: 't' })], 't')?.scopeId).toBe('t');
    expect(teamBudgetOf([budget({})], null)).toBeNull();
  });
});
