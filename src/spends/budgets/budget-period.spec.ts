import { budgetFigures, periodContaining, previousPeriod, rolloverSource, usedPct } from './budget-period';

describe('budget periods', () => {
  it('finds the calendar month, quarter and year containing a day', () => {
    expect(periodContaining('month', '2026-02-14')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(periodContaining('month', '2028-02-29')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(periodContaining('quarter', '2026-05-31')).toEqual({ start: '2026-04-01', end: '2026-06-30' });
    expect(periodContaining('quarter', '2026-12-01')).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(periodContaining('quarter', '2026-01-01')).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(periodContaining('year', '2026-07-04')).toEqual({ start: '2026-01-01', end: '2026-12-31' });
  });

  it("answers a custom budget's own range whatever the day", () => {
    const range = { start: '2026-03-10', end: '2026-04-09' };
    expect(periodContaining('custom', '2027-01-01', range)).toEqual(range);
    expect(() => periodContaining('custom', '2026-03-10')).toThrow();
  });

  it('steps back one period, across a year boundary', () => {
    expect(previousPeriod('month', { start: '2026-01-01', end: '2026-01-31' })).toEqual({
      start: '2025-12-01',
      end: '2025-12-31',
    });
    expect(previousPeriod('quarter', { start: '2026-01-01', end: '2026-03-31' })).toEqual({
      start: '2025-10-01',
      end: '2025-12-31',
    });
    expect(previousPeriod('year', { start: '2026-01-01', end: '2026-12-31' })).toEqual({
      start: '2025-01-01',
      end: '2025-12-31',
    });
    expect(previousPeriod('custom', { start: '2026-01-01', end: '2026-12-31' })).toBeNull();
  });

  it('rolls over only from a period the budget existed in, and only when asked', () => {
    const march = { start: '2026-03-01', end: '2026-03-31' };
    expect(rolloverSource('month', true, march, '2026-02-20')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(rolloverSource('month', true, march, '2026-03-02')).toBeNull();
    expect(rolloverSource('month', false, march, '2026-01-01')).toBeNull();
    expect(rolloverSource('custom', true, march, '2026-01-01')).toBeNull();
  });
});

describe('budget figures', () => {
  const base = {
    amountMinor: 100_00n,
    countsPending: true,
    spentMinor: 0n,
    committedMinor: 0n,
    previousConsumedMinor: null,
  };

  it('counts pending spends as consumed unless the budget counts approved and paid only', () => {
    const counted = budgetFigures({ ...base, spentMinor: 30_00n, committedMinor: 20_00n });
    expect(counted).toMatchObject({ remainingMinor: 50_00n, usedPct: 50, rolledOverMinor: 0n });
    const approvedOnly = budgetFigures({ ...base, countsPending: false, spentMinor: 30_00n, committedMinor: 20_00n });
    expect(approvedOnly).toMatchObject({ remainingMinor: 70_00n, usedPct: 30, committedMinor: 20_00n });
  });

  it("rolls the previous period's unused amount over, and never an overspend", () => {
    expect(budgetFigures({ ...base, previousConsumedMinor: 40_00n, spentMinor: 10_00n })).toMatchObject({
      rolledOverMinor: 60_00n,
      remainingMinor: 150_00n,
      usedPct: 6.25,
    });
    expect(budgetFigures({ ...base, previousConsumedMinor: 130_00n })).toMatchObject({
      rolledOverMinor: 0n,
      remainingMinor: 100_00n,
    });
  });

  it('goes negative when overspent and truncates the percentage to two decimals', () => {
    expect(budgetFigures({ ...base, spentMinor: 120_00n })).toMatchObject({ remainingMinor: -20_00n, usedPct: 120 });
    expect(usedPct(1n, 3n)).toBe(33.33);
    expect(usedPct(2n, 3n)).toBe(66.66);
  });
});
