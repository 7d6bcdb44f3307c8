import { addDays } from '../../common/dates';
import type { Budget, ConsumptionRow } from './budget';
import type { DateRange } from './budget-period';
import type { SpendTotalsRow } from './aggregates.repository';

/** What of a spend judged earlier in the same transaction counts in the aggregates of the next one. */
export interface JudgedSpend {
  userId: string;
  teamId: string | null;
  categoryId: string | null;
  merchant: string | null;
  spendDate: string;
  baseCurrency: string;
  baseAmountMinor: string;
}

/**
 * A merchant as the aggregate queries compare it: SQL `lower(btrim(merchant))` (btrim strips
 * spaces only, not tabs or other white space, so neither does this); null when nothing is left.
 */
export function normalizeMerchant(merchant: string | null | undefined): string | null {
  return merchant?.replace(/^ +| +$/g, '').toLowerCase() || null;
}

/** Where the spend under evaluation reads its aggregates from. */
export interface AggregateWindows {
  userId: string;
  currency: string;
  categoryId: string | null;
  spendDate: string;
  month: DateRange;
  teamId: string | null;
  teamPeriod: DateRange | null;
  merchant: string | null;
}

const within = (date: string, range: DateRange) => date >= range.start && date <= range.end;

/**
 * The totals read from the database plus the spends judged before this one in the same
 * transaction (an expense report's earlier lines, not yet stored as counted): as if they had
 * been submitted one after the other. Spends of another owner or currency count nowhere.
 */
export function addJudgedToTotals(totals: SpendTotalsRow, w: AggregateWindows, judged: JudgedSpend[]): SpendTotalsRow {
  const sum = { ...totals };
  for (const j of judged) {
    if (j.userId !== w.userId || j.baseCurrency !== w.currency) continue;
    const amount = BigInt(j.baseAmountMinor);
    if (w.categoryId && j.categoryId === w.categoryId) {
      if (j.spendDate === w.spendDate) sum.userCategoryDay += amount;
      if (within(j.spendDate, w.month)) sum.userCategoryMonth += amount;
    }
    if (w.teamId && w.teamPeriod && j.teamId === w.teamId && within(j.spendDate, w.teamPeriod))
      sum.teamPeriod += amount;
    const merchant = normalizeMerchant(j.merchant);
    if (w.merchant && merchant === w.merchant) {
      if (within(j.spendDate, { start: addDays(w.spendDate, -7), end: addDays(w.spendDate, 7) })) sum.merchant7d += 1;
      if (within(j.spendDate, { start: addDays(w.spendDate, -30), end: addDays(w.spendDate, 30) }))
        sum.merchant30d += 1;
    }
  }
  return sum;
}

/** Whether a spend falls in a budget's scope and currency. */
function inScope(budget: Budget, j: JudgedSpend): boolean {
  if (j.baseCurrency !== budget.currency) return false;
  switch (budget.scope) {
    case 'organization':
      return true;
    case 'user':
      return j.userId === budget.scopeId;
    case 'team':
      return j.teamId === budget.scopeId;
    case 'category':
      return j.categoryId === budget.scopeId;
  }
}

/**
 * Each budget's consumption plus the spends judged before this one in the same transaction: a
 * judged spend consumes the budget as the spend under evaluation does (whatever the budget counts,
 * it is what they would take together), in the current period, or in the rollover source.
 */
export function addJudgedToConsumption(
  budgets: Array<{ budget: Budget; current: DateRange; previous: DateRange | null }>,
  consumption: Map<string, ConsumptionRow>,
  judged: JudgedSpend[],
): Map<string, ConsumptionRow> {
  const result = new Map(consumption);
  for (const { budget, current, previous } of budgets) {
    const c = { ...(result.get(budget.id) ?? { spentMinor: 0n, committedMinor: 0n, previousMinor: null }) };
    for (const j of judged) {
      if (!inScope(budget, j)) continue;
      const amount = BigInt(j.baseAmountMinor);
      if (within(j.spendDate, current)) c.spentMinor += amount;
      else if (previous && c.previousMinor !== null && within(j.spendDate, previous)) c.previousMinor += amount;
    }
    result.set(budget.id, c);
  }
  return result;
}
