import {
  chartPeriod,
  dashboardPeriod,
  describeRange,
  monthLabel,
  monthRange,
  monthsOf,
  shiftMonth,
  todayIn,
} from './report-period';

describe('report periods', () => {
  it("tells today's date in the organization's time zone, UTC for an unknown zone", () => {
    const now = new Date('2026-02-28T23:30:00.000Z');
    expect(todayIn('UTC', now)).toBe('2026-02-28');
    expect(todayIn('Europe/Berlin', now)).toBe('2026-03-01');
    expect(todayIn('America/Los_Angeles', new Date('2026-03-01T05:00:00.000Z'))).toBe('2026-02-28');
    expect(todayIn('Mars/Olympus', now)).toBe('2026-02-28');
    expect(todayIn(undefined, now)).toBe('2026-02-28');
  });

  it('knows month bounds, leap years included, and steps across years', () => {
    expect(monthRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2025-12', 1)).toBe('2026-01');
    expect(shiftMonth('2026-03', -14)).toBe('2025-01');
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('names months and periods for people', () => {
    expect(monthLabel('2026-03')).toBe('March 2026');
    expect(monthLabel('2026-03', true)).toBe('Mar 2026');
    expect(describeRange({ from: '2026-01-01', to: '2026-03-31' })).toBe('1 Jan 2026 – 31 Mar 2026');
    expect(describeRange({ from: '2026-01-05', to: '2026-01-05' })).toBe('5 Jan 2026');
    expect(describeRange({})).toBe('all time');
  });

  it('gives the dashboard this month unless from/to say otherwise', () => {
    expect(dashboardPeriod({}, '2026-03')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(dashboardPeriod({ from: '2026-01-10', to: '2026-02-10' }, '2026-03')).toEqual({
      from: '2026-01-10',
      to: '2026-02-10',
    });
    expect(dashboardPeriod({ from: '2026-01-10' }, '2026-03')).toEqual({ from: '2026-01-10', to: '2026-03-31' });
    expect(dashboardPeriod({ to: '2026-01-10' }, '2026-03')).toEqual({ from: '2026-01-01', to: '2026-01-10' });
  });

  it('gives a chart the twelve months up to this one unless from/to say otherwise', () => {
    expect(chartPeriod({}, '2026-03')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(chartPeriod({ to: '2025-06-15' }, '2026-03')).toEqual({ from: '2024-07-01', to: '2025-06-15' });
    expect(chartPeriod({ from: '2025-01-01' }, '2026-03')).toEqual({ from: '2025-01-01', to: '2026-03-31' });
    expect(chartPeriod({ from: '2025-01-01', to: '2025-01-31' }, '2026-03')).toEqual({
      from: '2025-01-01',
      to: '2025-01-31',
    });
  });
});
