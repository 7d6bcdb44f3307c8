import { toMajorNumber } from '../../common/money/money';
import type { SpendFacts } from '../../policies/engine/evaluate';
import type { Budget, ConsumptionRow } from './budget';
import { budgetFigures, DateRange, periodContaining, rolloverSource } from './budget-period';

/** What the aggregate rule fields are made of; see SpendFacts and docs/spends-and-policies.md. */
export type AggregateFacts = Pick<
  SpendFacts,
  | 'user_category_total_day'
  | 'user_category_total_month'
  | 'team_total_period'
  | 'budget_remaining'
  | 'budget_used_pct'
  | 'same_merchant_count_7d'
  | 'same_merchant_count_30d'
>;

/** The period of a budget that a spend dated `spendDate` falls in; null when a custom budget does not cover it. */
export function periodForSpend(budget: Budget, spendDate: string): DateRange | null {
  const custom = budget.startsOn && budget.endsOn ? { start: budget.startsOn, end: budget.endsOn } : null;
  const period = periodContaining(budget.period, spendDate, custom);
  return spendDate >= period.start && spendDate <= period.end ? period : null;
}

/** The period and rollover source of a budget around `on`. */
export function windowOf(budget: Budget, on: string): { current: DateRange; previous: DateRange | null } {
  const custom = budget.startsOn && budget.endsOn ? { start: budget.startsOn, end: budget.endsOn } : null;
  const current = periodContaining(budget.period, on, custom);
  return { current, previous: rolloverSource(budget.period, budget.rollover, current, budget.createdOn) };
}

/** The team budget whose period sets `team_total_period`: the oldest team budget of the spend's team. */
export function teamBudgetOf(budgets: Budget[], teamId: string | null): Budget | null {
  return (teamId && budgets.find((b) => b.scope === 'team' && b.scopeId === teamId)) || null;
}

export interface BudgetAfterSpend {
  budget: Budget;
  remainingMinor: bigint;
  usedPct: number;
}

/**
 * Each applicable budget's figures once this spend (`amountMinor`) is counted in, and the most
 * constraining one: the lowest remaining (ties: the higher percentage, then the oldest).
 */
export function mostConstraining(
  budgets: Budget[],
  consumption: Map<string, ConsumptionRow>,
  amountMinor: bigint,
): BudgetAfterSpend | null {
  let best: BudgetAfterSpend | null = null;
  for (const budget of budgets) {
    const c = consumption.get(budget.id) ?? { spentMinor: 0n, committedMinor: 0n, previousMinor: null };
    const figures = budgetFigures({
      amountMinor: budget.amountMinor,
      // The spend under evaluation consumes the budget whatever the budget counts: it is what it would take.
      countsPending: true,
      spentMinor: c.spentMinor + amountMinor,
      committedMinor: budget.countsPending ? c.committedMinor : 0n,
      previousConsumedMinor: c.previousMinor,
    });
    const candidate = { budget, remainingMinor: figures.remainingMinor, usedPct: figures.usedPct };
    if (
      !best ||
      candidate.remainingMinor < best.remainingMinor ||
      (candidate.remainingMinor === best.remainingMinor && candidate.usedPct > best.usedPct)
    )
      best = candidate;
  }
  return best;
}

/** The rule facts in major units of the base currency; absent where they do not apply. */
export function aggregateFacts(input: {
  currency: string;
  categoryId: string | null;
  teamId: string | null;
  merchant: string | null;
  amountMinor: bigint;
  totals: {
    userCategoryDay: bigint;
    userCategoryMonth: bigint;
    teamPeriod: bigint;
    merchant7d: number;
    merchant30d: number;
  };
  budget: BudgetAfterSpend | null;
}): AggregateFacts {
  const major = (minor: bigint) => toMajorNumber(minor, input.currency);
  const { totals } = input;
  return {
    ...(input.categoryId
      ? {
          user_category_total_day: major(totals.userCategoryDay + input.amountMinor),
          user_category_total_month: major(totals.userCategoryMonth + input.amountMinor),
        }
      : {}),
    ...(input.teamId ? { team_total_period: major(totals.teamPeriod + input.amountMinor) } : {}),
    ...(input.budget
      ? { budget_remaining: major(input.budget.remainingMinor), budget_used_pct: input.budget.usedPct }
      : {}),
    ...(input.merchant
      ? { same_merchant_count_7d: totals.merchant7d, same_merchant_count_30d: totals.merchant30d }
      : {}),
  };
}
