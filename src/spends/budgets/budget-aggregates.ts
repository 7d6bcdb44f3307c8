import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Spend } from '../spend.entity';
import type { Budget } from './budget';
import {
  aggregateFacts,
  AggregateFacts,
  mostConstraining as mostConstrainingOf,
  periodForSpend,
  teamBudgetOf,
  windowOf,
} from './budget-facts';
import { periodContaining } from './budget-period';
import { AggregatesRepository } from './aggregates.repository';
import { BudgetsRepository } from './budgets.repository';
import { addJudgedToConsumption, addJudgedToTotals, JudgedSpend, normalizeMerchant } from './earlier-lines';

/**
 * The aggregate rule fields of a spend, read inside its evaluation's transaction. With `lock`,
 * transaction-scoped advisory locks on the owner's spends, the team's spends and every applicable
 * budget are taken first (sorted, so never in a cycle): two submissions that read the same
 * aggregates run one after the other, and the second sees the first once it has committed
 * (READ COMMITTED: each statement reads what was committed before it started).
 */
@Injectable()
export class BudgetAggregates {
  constructor(
    private readonly budgets: BudgetsRepository,
    private readonly reads: AggregatesRepository,
  ) {}

  /**
   * Takes the locks of several spends judged in one transaction (an expense report's lines) at
   * once, in one sorted order: locking line by line could take two keys in the opposite order of
   * another transaction. The locks each line's `factsOf` takes again are already held.
   */
  async lockAll(tx: EntityManager, spends: Spend[]): Promise<void> {
    const keys: string[] = [];
    for (const spend of spends) keys.push(...lockKeysOf(spend, await this.applicable(tx, spend)));
    await this.reads.lockKeys(tx, keys);
  }

  /**
   * `judged`: the spends judged before this one in the same transaction (an expense report's
   * earlier lines): they count in the totals and budgets as if already submitted.
   */
  async factsOf(
    tx: EntityManager,
    spend: Spend,
    options: { lock: boolean; judged?: JudgedSpend[] },
  ): Promise<AggregateFacts> {
    const org = spend.organizationId;
    const date = spend.spendDate;
    const applicable = await this.applicable(tx, spend);
    if (options.lock) await this.reads.lockKeys(tx, lockKeysOf(spend, applicable));
    const windows = applicable.map((b) => ({ budgetId: b.id, ...windowOf(b, date) }));
    const judged = options.judged ?? [];
    const consumption = addJudgedToConsumption(
      applicable.map((budget, i) => ({ budget, current: windows[i].current, previous: windows[i].previous })),
      await this.budgets.consumption(org, windows, spend.id, tx),
      judged,
    );
    const month = periodContaining('month', date);
    const teamBudget = teamBudgetOf(applicable, spend.teamId);
    const merchant = normalizeMerchant(spend.merchant);
    const query = {
      userId: spend.userId,
      categoryId: spend.categoryId,
      spendDate: date,
      month,
      teamId: spend.teamId,
      teamPeriod: spend.teamId ? (teamBudget ? periodForSpend(teamBudget, date) : month) : null,
      merchant,
      currency: spend.baseCurrency,
    };
    const read = await this.reads.spendTotals(tx, { ...query, organizationId: org, excludeSpendId: spend.id });
    const totals = addJudgedToTotals(read, query, judged);
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

  /** The budgets that apply to the spend: its scopes, its currency, a period covering its date. */
  private async applicable(tx: EntityManager, spend: Spend): Promise<Budget[]> {
    return (await this.budgets.applicableTo(tx, spend.organizationId, spend.baseCurrency, spend)).filter(
      (b) => periodForSpend(b, spend.spendDate) !== null,
    );
  }
}

/** What a spend's aggregates depend on: the owner's spends, the team's spends, each applicable budget. */
function lockKeysOf(spend: Spend, applicable: Budget[]): string[] {
  const org = spend.organizationId;
  return [
    `spends:user:${org}:${spend.userId}`,
    ...(spend.teamId ? [`spends:team:${org}:${spend.teamId}`] : []),
    ...applicable.map((b) => `budget:${b.id}`),
  ];
}
