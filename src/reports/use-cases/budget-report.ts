import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/roles';
import { todayUtc } from '../../common/dates';
import { formatAmount } from '../../common/money/money';
import { BudgetsService, VisibleBudget } from '../../spends/budgets/budgets.service';
import { BudgetReportQuery } from '../dto/report-query.dto';
import { BudgetReportResponseDto } from '../dto/budget-report.dto';

/**
 * Spends grouped by budget: each budget the caller reads with what its period's spends consumed,
 * and the totals per currency. A spend counts in every budget whose scope it falls in (a team
 * budget and the organization's), so unlike the summary the rows need not add up to anything.
 */
@Injectable()
export class BudgetReport {
  constructor(private readonly budgets: BudgetsService) {}

  async execute(actor: Actor, query: BudgetReportQuery): Promise<BudgetReportResponseDto> {
    const on = query.on ?? todayUtc();
    const visible = await this.budgets.allVisible(actor, on, query.scope ?? null);
    const budgets = visible.map((v) => v.response);
    return {
      on,
      budgets: budgets.map((b) => ({
        budget_id: b.id,
        name: b.name,
        scope: b.scope,
        scope_id: b.scope_id,
        period: b.period,
        period_start: b.period_start,
        period_end: b.period_end,
        currency: b.currency,
        amount: b.amount,
        rolled_over: b.rolled_over,
        spent: b.spent,
        committed: b.committed,
        remaining: b.remaining,
        used_pct: b.used_pct,
        over_budget: b.remaining.startsWith('-'),
      })),
      over_budget_count: budgets.filter((b) => b.remaining.startsWith('-')).length,
      totals: totalsByCurrency(visible),
    };
  }
}

/**
 * Sums the figures in minor units: re-reading the formatted amounts would refuse a sum of a
 * trillion major units or more (parseAmount's limit on what one expense may be).
 */
function totalsByCurrency(budgets: VisibleBudget[]) {
  const sums = new Map<string, { amount: bigint; spent: bigint; committed: bigint }>();
  for (const { response, minor } of budgets) {
    const sum = sums.get(response.currency) ?? { amount: 0n, spent: 0n, committed: 0n };
    sum.amount += minor.amount;
    sum.spent += minor.spent;
    sum.committed += minor.committed;
    sums.set(response.currency, sum);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, s]) => ({
      currency,
      amount: formatAmount(s.amount, currency),
      spent: formatAmount(s.spent, currency),
      committed: formatAmount(s.committed, currency),
    }));
}
