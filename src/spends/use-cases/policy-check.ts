import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { ResolvedApprover, storedApprovers } from '../../approvals/approver-resolver';
import { CatalogService } from '../../catalog/catalog.service';
import { CATEGORIES } from '../../catalog/catalog-kind';
import { todayUtc } from '../../common/dates';
import { evaluate, Evaluation, SpendFacts } from '../../policies/engine/evaluate';
import { aggregateFieldsOf } from '../../policies/engine/rules';
import { PoliciesService } from '../../policies/policies.service';
import { Directory } from '../../users/directory';
import { BudgetAggregates } from '../budgets/budget-aggregates';
import { spendFacts } from '../spend-facts';
import { SIMULATED_SPEND_ID, Spend, StoredEvaluation } from '../spend.entity';

/** What a line of an expense report adds to its facts: its report's totals (see SpendFacts). */
export type ReportFacts = Required<Pick<SpendFacts, 'report_total' | 'report_days' | 'report_spend_count'>>;

export interface PolicyCheckResult {
  evaluation: Evaluation;
  chain: ResolvedApprover[];
  stored: StoredEvaluation;
}

/**
 * Runs the organization's active policies over a spend and resolves the approvers they ask
 * for. Writes nothing: submission stores the result, simulation just answers it.
 */
@Injectable()
export class PolicyCheck {
  constructor(
    private readonly policies: PoliciesService,
    private readonly approvals: ApprovalsService,
    private readonly directory: Directory,
    private readonly catalog: CatalogService,
    private readonly aggregates: BudgetAggregates,
  ) {}

  /** `judged`: spends judged before this one in the transaction (a report's earlier lines), counted in its aggregates. */
  async run(tx: EntityManager, spend: Spend, report?: ReportFacts, judged: Spend[] = []): Promise<PolicyCheckResult> {
    const snapshots = await this.policies.activeSnapshots(tx, spend.organizationId);
    // The aggregate fields cost queries and locks: only when an active rule tests one of them.
    const aggregates = snapshots.some((s) => aggregateFieldsOf(s.rules).length > 0)
      ? await this.aggregates.factsOf(tx, spend, { lock: spend.id !== SIMULATED_SPEND_ID, judged })
      : {};
    const facts = { ...(await this.facts(tx, spend)), ...aggregates, ...report };
    const evaluation = evaluate(snapshots, facts);
    const chain = await this.approvals.resolve(
      tx,
      { organizationId: spend.organizationId, ownerId: spend.userId, teamId: spend.teamId },
      evaluation.approvals,
    );
    const stored: StoredEvaluation = {
      decision: evaluation.decision,
      matched_rules: evaluation.matched_rules,
      flags: evaluation.flags,
      awaiting_receipt: evaluation.awaiting_receipt,
      block_message: evaluation.block_message,
      policies: snapshots.map((s) => ({ policy_id: s.policyId, version: s.policyVersion })),
      approvers: storedApprovers(chain),
      evaluated_at: new Date().toISOString(),
    };
    return { evaluation, chain, stored };
  }

  /**
   * Before judging several spends in one transaction (an expense report's lines): takes the locks
   * of their aggregate fields all at once, in one order, when an active policy tests one of them.
   */
  async lockAggregates(tx: EntityManager, organizationId: string, spends: Spend[]): Promise<void> {
    const snapshots = await this.policies.activeSnapshots(tx, organizationId);
    if (snapshots.some((s) => aggregateFieldsOf(s.rules).length > 0)) await this.aggregates.lockAll(tx, spends);
  }

  private async facts(tx: EntityManager, spend: Spend): Promise<SpendFacts> {
    const owner = await this.directory.user(spend.organizationId, spend.userId, tx);
    const category = spend.categoryId
      ? await this.catalog.findActive(CATEGORIES, spend.organizationId, spend.categoryId, tx)
      : null;
    return spendFacts({ ...spend, ownerRole: owner?.role ?? null, categoryName: category?.name ?? null }, todayUtc());
  }
}
