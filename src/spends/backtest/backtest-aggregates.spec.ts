import type { Budget } from '../budgets/budget';
import { BacktestAggregates, CountedSpend, JudgedSpend, windowFor } from './backtest-aggregates';

const budget = (over: Partial<Budget>): Budget => ({
  id: 'b1',
  organizationId: 'o',
  name: 'B',
  scope: 'team',
  scopeId: 'team-1',
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
const counted = (over: Partial<CountedSpend>): CountedSpend => ({
  id: 's',
  userId: 'u1',
  teamId: 'team-1',
  categoryId: 'meals',
  merchant: 'cafe',
  spendDate: '2026-03-10',
  amountMinor: 60_00n,
  status: 'approved',
  submittedAt: 1_000,
  ...over,
});
const judged = (over: Partial<JudgedSpend>): JudgedSpend => ({
  id: 'j',
  userId: 'u1',
  teamId: 'team-1',
  categoryId: 'meals',
  merchant: 'cafe',
  spendDate: '2026-03-10',
  baseAmountMinor: '3000',
  baseCurrency: 'USD',
  submittedAt: 5_000,
  ...over,
});

describe('the backtest index of aggregate fields', () => {
  it('counts only the spends submitted before the judged one, and the judged one itself', () => {
    const index = new BacktestAggregates(
      [budget({})],
      [counted({ id: 'a', submittedAt: 1_000 }), counted({ id: 'b', submittedAt: 9_000, amountMinor: 10_00n })],
    );
    expect(index.factsOf(judged({}))).toEqual({
      user_category_total_day: 90,
      user_category_total_month: 90,
      team_total_period: 90,
      budget_remaining: 10,
      budget_used_pct: 90,
      same_merchant_count_7d: 1,
      same_merchant_count_30d: 1,
    });
    // Judged after both: both count.
    expect(index.factsOf(judged({ submittedAt: 10_000 }))).toMatchObject({
      budget_remaining: 0,
      team_total_period: 100,
    });
  });

  it('keeps pending spends out of a budget that counts approved and paid only, and leaves absent facts out', () => {
    const index = new BacktestAggregates(
      [budget({ countsPending: false })],
      [counted({ status: 'pending_approval' }), counted({ id: 'far', spendDate: '2026-02-20', merchant: 'cafe' })],
    );
    expect(index.factsOf(judged({}))).toMatchObject({
      budget_remaining: 70,
      same_merchant_count_7d: 1,
      same_merchant_count_30d: 2,
    });
    const bare = index.factsOf(judged({ teamId: null, categoryId: null, merchant: null }));
    expect(bare).toEqual({});
  });

  it('reads far enough back for rollover periods and the same-merchant window', () => {
    expect(windowFor([budget({ period: 'quarter', rollover: true })], '2026-04-15', '2026-05-20')).toEqual({
      start: '2026-01-01',
      end: '2026-06-30',
    });
    expect(windowFor([], '2026-04-15', '2026-05-20')).toEqual({ start: '2026-03-16', end: '2026-06-19' });
  });
});
