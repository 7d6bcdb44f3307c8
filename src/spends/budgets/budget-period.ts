import { addDays } from '../../common/dates';

/**
 * The pure arithmetic of budgets: which period contains a day, the period before it, what rolls
 * over, and the figures a budget answers. Dates are calendar dates (`YYYY-MM-DD`, UTC), as
 * spend_date is; money is bigint minor units of the budget's currency.
 */

export const BUDGET_PERIODS = ['month', 'quarter', 'year', 'custom'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface DateRange {
  /** First day, inclusive. */
  start: string;
  /** Last day, inclusive. */
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The calendar month, quarter or year containing `on`; a custom budget's period is its own range, whatever `on` is. */
export function periodContaining(period: BudgetPeriod, on: string, custom?: DateRange | null): DateRange {
  if (period === 'custom') {
    if (!custom) throw new Error('A custom budget has starts_on and ends_on');
    return custom;
  }
  const year = Number(on.slice(0, 4));
  const month = Number(on.slice(5, 7));
  const [first, last] =
    period === 'month'
      ? [month, month]
      : period === 'quarter'
        ? [month - ((month - 1) % 3), month - ((month - 1) % 3) + 2]
        : [1, 12];
  return { start: `${year}-${pad(first)}-01`, end: `${year}-${pad(last)}-${pad(lastDayOf(year, last))}` };
}

/** The recurring period just before `current`; null for a custom budget, which has one period only. */
export function previousPeriod(period: BudgetPeriod, current: DateRange): DateRange | null {
  if (period === 'custom') return null;
  return periodContaining(period, addDays(current.start, -1));
}

/**
 * The period whose unused amount rolls into `current`: the one before it, when the budget rolls
 * over and that period did not start before the budget's first period (the one containing the day
 * it was created). Only one period rolls: the previous period's own rollover does not compound.
 */
export function rolloverSource(
  period: BudgetPeriod,
  rollover: boolean,
  current: DateRange,
  createdOn: string,
): DateRange | null {
  if (!rollover || period === 'custom') return null;
  const previous = previousPeriod(period, current)!;
  return previous.start >= periodContaining(period, createdOn).start ? previous : null;
}

export interface BudgetConsumption {
  amountMinor: bigint;
  /** Whether pending spends consume the budget (`counts` includes pending_approval). */
  countsPending: boolean;
  /** Approved and paid spends of the period. */
  spentMinor: bigint;
  /** Pending spends of the period (shown whatever `counts` says; consume only when counted). */
  committedMinor: bigint;
  /** What the counted spends of the rollover source consumed; null when nothing rolls over. */
  previousConsumedMinor: bigint | null;
}

export interface BudgetFigures {
  amountMinor: bigint;
  rolledOverMinor: bigint;
  spentMinor: bigint;
  committedMinor: bigint;
  /** amount + rolled over − what the counted spends consumed; negative when overspent. */
  remainingMinor: bigint;
  /** What the counted spends consumed as a percentage of amount + rolled over, two decimals (truncated). */
  usedPct: number;
}

/**
 * The figures of one period. The unused part of the previous period rolls over; an overspent
 * previous period rolls nothing over and takes nothing away (a new period starts at its amount).
 */
export function budgetFigures(c: BudgetConsumption): BudgetFigures {
  const rolledOverMinor =
    c.previousConsumedMinor === null
      ? 0n
      : c.amountMinor > c.previousConsumedMinor
        ? c.amountMinor - c.previousConsumedMinor
        : 0n;
  const consumed = c.spentMinor + (c.countsPending ? c.committedMinor : 0n);
  const available = c.amountMinor + rolledOverMinor;
  return {
    amountMinor: c.amountMinor,
    rolledOverMinor,
    spentMinor: c.spentMinor,
    committedMinor: c.committedMinor,
    remainingMinor: available - consumed,
    usedPct: usedPct(consumed, available),
  };
}

/** `consumed` as a percentage of `available`, truncated to two decimals. */
export function usedPct(consumed: bigint, available: bigint): number {
  if (available <= 0n) return 0;
  return Number((consumed * 10_000n) / available) / 100;
}
