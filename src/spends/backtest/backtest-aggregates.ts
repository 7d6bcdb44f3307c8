import { addDays } from '../../common/dates';
import type { Budget, ConsumptionRow } from '../budgets/budget';
import {
  aggregateFacts,
  AggregateFacts,
  mostConstraining,
  periodForSpend,
  teamBudgetOf,
  windowOf,
} from '../budgets/budget-facts';
import { DateRange, periodContaining } from '../budgets/budget-period';

/**
 * The aggregate rule fields as each backtested spend would have seen them at its submission:
 * the other counted spends (pending, approved, paid now) submitted before it, and today's budgets
 * (as the backtest uses today's policies). Pure: built once from the counted spends of the window
 * the backtest needs, then asked per spend in O(log n) (sums) or over the owner's visits to one
 * merchant (counts).
 */

export interface CountedSpend {
  id: string;
  userId: string;
  teamId: string | null;
  categoryId: string | null;
  /** Trimmed and lower-cased; null without one. */
  merchant: string | null;
  spendDate: string;
  amountMinor: bigint;
  status: string;
  /** Submission time in ms (the creation time for a spend never submitted by itself). */
  submittedAt: number;
}

/** What the index needs of the spend it judges. */
export interface JudgedSpend {
  id: string;
  userId: string;
  teamId: string | null;
  categoryId: string | null;
  merchant: string | null;
  spendDate: string;
  baseAmountMinor: string;
  baseCurrency: string;
  submittedAt: number;
}

/** Sums of amounts per key, in submission order, answering "before time t" by binary search. */
class SumsBefore {
  private readonly groups = new Map<string, Array<{ t: number; amount: bigint }>>();
  private readonly prefixes = new Map<string, { times: number[]; sums: bigint[] }>();

  add(key: string, t: number, amount: bigint): void {
    const group = this.groups.get(key) ?? [];
    group.push({ t, amount });
    this.groups.set(key, group);
  }

  seal(): void {
    for (const [key, group] of this.groups) {
      group.sort((a, b) => a.t - b.t);
      let sum = 0n;
      const sums = group.map((e) => (sum += e.amount));
      this.prefixes.set(key, { times: group.map((e) => e.t), sums });
    }
    this.groups.clear();
  }

  /** The sum of the key's entries submitted strictly before `t`. */
  before(key: string, t: number): bigint {
    const prefix = this.prefixes.get(key);
    if (!prefix) return 0n;
    let [lo, hi] = [0, prefix.times.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prefix.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0n : prefix.sums[lo - 1];
  }
}

const monthKey = (date: string) => date.slice(0, 7);
const COUNTS_APPROVED = new Set(['approved', 'paid']);

/** The dates of counted spends the index must hold to answer for spends dated `from`..`to`. */
export function windowFor(budgets: Budget[], from: string, to: string): DateRange {
  let start = addDays(from, -30) < `${monthKey(from)}-01` ? addDays(from, -30) : `${monthKey(from)}-01`;
  let end = addDays(to, 30) > periodContaining('month', to).end ? addDays(to, 30) : periodContaining('month', to).end;
  for (const b of budgets) {
    const first = windowOf(b, from);
    const last = windowOf(b, to);
    const earliest = first.previous?.start ?? first.current.start;
    if (earliest < start) start = earliest;
    if (last.current.end > end) end = last.current.end;
  }
  return { start, end };
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

export class BacktestAggregates {
  private readonly sums = new SumsBefore();
  private readonly visits = new Map<string, Array<{ day: number; t: number }>>();
  /** A budget's period and rollover source around a date (null: the date is outside it), by budget and date. */
  private readonly windows = new Map<string, { current: DateRange; previous: DateRange | null } | null>();

  private windowAt(b: Budget, date: string): { current: DateRange; previous: DateRange | null } | null {
    const key = `${b.id}|${date}`;
    let window = this.windows.get(key);
    if (window === undefined) {
      window = periodForSpend(b, date) ? windowOf(b, date) : null;
      this.windows.set(key, window);
    }
    return window;
  }

  constructor(
    private readonly budgets: Budget[],
    counted: CountedSpend[],
  ) {
    for (const s of counted) {
      if (s.categoryId) {
        this.sums.add(`day|${s.userId}|${s.categoryId}|${s.spendDate}`, s.submittedAt, s.amountMinor);
        this.sums.add(`month|${s.userId}|${s.categoryId}|${monthKey(s.spendDate)}`, s.submittedAt, s.amountMinor);
      }
      if (s.teamId) this.sums.add(`team|${s.teamId}|month|${monthKey(s.spendDate)}`, s.submittedAt, s.amountMinor);
      if (s.merchant) {
        const key = `${s.userId}|${s.merchant}`;
        const list = this.visits.get(key) ?? [];
        list.push({ day: dayNumber(s.spendDate), t: s.submittedAt });
        this.visits.set(key, list);
      }
      for (const b of budgets) {
        if (!inScope(b, s)) continue;
        const period = this.windowAt(b, s.spendDate)?.current;
        if (!period) continue;
        if (b.scope === 'team')
          this.sums.add(`team|${s.teamId}|budget|${b.id}|${period.start}`, s.submittedAt, s.amountMinor);
        if (b.countsPending || COUNTS_APPROVED.has(s.status))
          this.sums.add(`budget|${b.id}|${period.start}`, s.submittedAt, s.amountMinor);
      }
    }
    this.sums.seal();
  }

  factsOf(spend: JudgedSpend): AggregateFacts {
    const t = spend.submittedAt;
    const amountMinor = BigInt(spend.baseAmountMinor);
    const applicable = this.budgets.filter(
      (b) => b.currency === spend.baseCurrency && inScope(b, spend) && this.windowAt(b, spend.spendDate) !== null,
    );
    const consumption = new Map<string, ConsumptionRow>();
    for (const b of applicable) {
      const { current, previous } = this.windowAt(b, spend.spendDate)!;
      consumption.set(b.id, {
        spentMinor: this.sums.before(`budget|${b.id}|${current.start}`, t),
        committedMinor: 0n,
        previousMinor: previous ? this.sums.before(`budget|${b.id}|${previous.start}`, t) : null,
      });
    }
    const teamBudget = teamBudgetOf(applicable, spend.teamId);
    const teamKey = teamBudget
      ? `team|${spend.teamId}|budget|${teamBudget.id}|${this.windowAt(teamBudget, spend.spendDate)!.current.start}`
      : `team|${spend.teamId}|month|${monthKey(spend.spendDate)}`;
    const visits = spend.merchant ? (this.visits.get(`${spend.userId}|${spend.merchant}`) ?? []) : [];
    const day = dayNumber(spend.spendDate);
    const within = (days: number) => visits.filter((v) => v.t < t && Math.abs(v.day - day) <= days).length;
    return aggregateFacts({
      currency: spend.baseCurrency,
      categoryId: spend.categoryId,
      teamId: spend.teamId,
      merchant: spend.merchant,
      amountMinor,
      totals: {
        userCategoryDay: this.sums.before(`day|${spend.userId}|${spend.categoryId}|${spend.spendDate}`, t),
        userCategoryMonth: this.sums.before(
          `month|${spend.userId}|${spend.categoryId}|${monthKey(spend.spendDate)}`,
          t,
        ),
        teamPeriod: spend.teamId ? this.sums.before(teamKey, t) : 0n,
        merchant7d: within(7),
        merchant30d: within(30),
      },
      budget: mostConstraining(applicable, consumption, amountMinor),
    });
  }
}

function inScope(b: Budget, s: { userId: string; teamId: string | null; categoryId: string | null }): boolean {
  switch (b.scope) {
    case 'organization':
      return true;
    case 'team':
      return s.teamId !== null && s.teamId === b.scopeId;
    case 'category':
      return s.categoryId !== null && s.categoryId === b.scopeId;
    case 'user':
      return s.userId === b.scopeId;
  }
}
