import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { type ResolvedApprover, storedApprovers } from '../../approvals/approver-resolver';
import { evaluate, Evaluation } from '../../policies/engine/evaluate';
import { PoliciesService } from '../../policies/policies.service';
import { Directory } from '../../users/directory';
import type { Advance, AdvanceEvaluation } from '../advance';

export interface AdvancePolicyResult {
  evaluation: Evaluation;
  chain: ResolvedApprover[];
  stored: AdvanceEvaluation;
}

/**
 * Runs the organization's advance rules (`subject: advance`) over an advance and resolves the
 * approvers they ask for. Spend rules never run here. Writes nothing.
 */
@Injectable()
export class AdvancePolicy {
  constructor(
    private readonly policies: PoliciesService,
    private readonly approvals: ApprovalsService,
    private readonly directory: Directory,
  ) {}

  async run(
    tx: EntityManager,
    advance: Pick<Advance, 'organizationId' | 'userId' | 'currency' | 'baseAmountMinor'>,
  ): Promise<AdvancePolicyResult> {
    const owner = await this.directory.user(advance.organizationId, advance.userId, tx);
    const snapshots = await this.policies.activeSnapshots(tx, advance.organizationId);
    const evaluation = evaluate(
      snapshots,
      {
        // Minor units of the base currency: 50000 is 500.00 USD in a USD organization.
        advance_amount: Number(advance.baseAmountMinor),
        currency: advance.currency,
        user_id: advance.userId,
        user_role: owner?.role ?? 'employee',
      },
      'advance',
    );
    const chain = await this.approvals.resolve(
      tx,
      { organizationId: advance.organizationId, ownerId: advance.userId, teamId: null },
      evaluation.approvals,
    );
    const stored: AdvanceEvaluation = {
      decision: evaluation.decision,
      matched_rules: evaluation.matched_rules,
      policies: snapshots.map((s) => ({ policy_id: s.policyId, version: s.policyVersion })),
      approvers: storedApprovers(chain),
      evaluated_at: new Date().toISOString(),
    };
    return { evaluation, chain, stored };
  }
}
