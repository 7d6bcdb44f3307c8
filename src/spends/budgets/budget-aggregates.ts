import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Spend } from '../spend.entity';
import {
  aggregateFacts,
  AggregateFacts,
  mostConstraining as mostConstrainingOf,
  periodForSpend,
  teamBudgetOf,
  windowOf,
} from './budget-facts';
import { periodContaining } from './budget-period';
import { BudgetsRepository } from './budgets.repository';

/**
 * The aggregate rule fields of a spend, read inside its evaluation's transaction. With `lock`,
 * transaction-scoped advisory locks on the owner's spends, the team's spends and every applicable
 * budget are taken first (sorted, so never in a cycle): two submissions that read the same
 * aggregates run one after the other, and the second sees the first once it has committed
 * (READ COMMITTED: each statement reads what was committed before it started).
 */
@Injectable()
export class BudgetAggregates {
  constructor(private readonly budgets: BudgetsRepository) {}

  async factsOf(tx: EntityManager, spend: Spend, options: { lock: boolean }): Promise<AggregateFacts> {
    const org = spend.organizationId;
    const date = spend.spendDate;
    const applicable = (await this.budgets.applicableTo(tx, org, spend.baseCurrency, spend)).filter(
      (b) => periodForSpend(b, date) !== null,
    );
    if (options.lock)
      await this.budgets.lockKeys(tx, [
        `spends:user:${org}:${spend.userId}`,
        ...(spend.teamId ? [`spends:team:${org}:${spend.teamId}`] : []),
        ...applicable.map((b) => `budget:${b.id}`),
      ]);
    const windows = applicable.map((b) => ({ budgetId: b.id, ...windowOf(b, date) }));
    const consumption = await this.budgets.consumption(org, windows, spend.id, tx);
    const month = periodContaining('month', date);
    const teamBudget = teamBudgetOf(applicable, spend.teamId);
    const merchant = spend.merchant?.trim().toLowerCase() || null;
    const totals = await this.budgets.spendTotals(tx, {
      organizationId: org,
      userId: spend.userId,
      excludeSpendId: spend.id,
      categoryId: spend.categoryId,
      spendDate: date,
      month,
      teamId: spend.teamId,
      teamPeriod: spend.teamId ? (teamBudget ? periodForSpend(teamBudget, date) : month) : null,
      merchant,
      currency: spend.baseCurrency,
    });
    const amountMinor = BigInt(spend.baseAmountMinor);
    return aggregateFacts({
      currency: spend.baseCurrency,
      categoryId: spend.categoryId,
      teamId: spend.teamId,
      merchant,
      amountMinor,
      totals,
      budget: mostConstrainingOf(applicable, consumption, amountMinor),
    });
  }
}
