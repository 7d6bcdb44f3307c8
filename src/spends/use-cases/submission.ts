import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Approval } from '../../approvals/approval.entity';
import { ApprovalsService } from '../../approvals/approvals.service';
import { spendSubject } from '../../approvals/approval-subject';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Spend } from '../spend.entity';
import { SpendsRepository } from '../spends.repository';
import { PolicyCheck, PolicyCheckResult } from './policy-check';

/**
 * Submits a spend inside the caller's transaction: duplicate check, policy evaluation, the
 * resulting status, a new round of approval steps, audit entries and outbox rows commit
 * together or not at all.
 */
@Injectable()
export class Submission {
  constructor(
    private readonly spends: SpendsRepository,
    private readonly policyCheck: PolicyCheck,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** Submits a spend that exists already (a draft, or a rejected spend's new round). */
  async submit(tx: EntityManager, actor: Actor, spend: Spend): Promise<void> {
    const outcome = await this.evaluate(tx, spend);
    await this.approvals.cancelOpen(tx, spend.organizationId, spendSubject(spend.id));
    await this.spends.saveSubmission(tx, spend);
    await this.record(tx, actor, spend, outcome);
  }

  /**
   * Decides the submission and sets it on the spend (flags, evaluation, status, round), writing
   * nothing: a new spend is then inserted once, in its final state, rather than inserted and
   * updated at once.
   */
  async evaluate(tx: EntityManager, spend: Spend): Promise<PolicyCheckResult> {
    const systemFlags = new Set(spend.systemFlags.filter((f) => f !== 'duplicate_suspected'));
    if (await this.spends.hasDuplicate(tx, spend)) systemFlags.add('duplicate_suspected');
    spend.systemFlags = [...systemFlags].sort();

    const outcome = await this.policyCheck.run(tx, spend);
    const { stored } = outcome;
    const now = new Date();
    spend.policyEvaluation = stored;
    spend.flags = stored.flags;
    spend.status = stored.decision;
    spend.submittedAt = now;
    spend.decidedAt = stored.decision === 'pending_approval' ? null : now;
    spend.approvalRound += 1;
    return outcome;
  }

  /** Once the submitted spend is written: its round of approval steps, the audit entry and the outbox rows. */
  async record(
    tx: EntityManager,
    actor: Actor,
    spend: Spend,
    { stored, chain }: PolicyCheckResult,
  ): Promise<Approval[]> {
    let steps: Approval[] = [];
    if (stored.decision === 'pending_approval' && chain.length > 0) {
      steps = await this.approvals.request(
        tx,
        actor,
        {
          organizationId: spend.organizationId,
          ownerId: spend.userId,
          teamId: spend.teamId,
          subject: spendSubject(spend.id),
          round: spend.approvalRound,
        },
        chain,
      );
    }
    await this.audit.record(tx, actor, {
      action: 'spend.submitted',
      entityType: 'spend',
      entityId: spend.id,
      metadata: {
        status: spend.status,
        round: spend.approvalRound,
        flags: spend.flags,
        matched_rules: stored.matched_rules.length,
      },
    });
    const event = { spend_id: spend.id, user_id: spend.userId, status: spend.status };
    await this.outbox.enqueue(tx, spend.organizationId, 'spend.submitted', event);
    if (spend.status === 'approved') await this.outbox.enqueue(tx, spend.organizationId, 'spend.approved', event);
    if (spend.status === 'blocked')
      await this.outbox.enqueue(tx, spend.organizationId, 'spend.blocked', { ...event, message: stored.block_message });
    return steps;
  }
}
