import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Spend } from '../spend.entity';
import { SpendsRepository } from '../spends.repository';
import { PolicyCheck } from './policy-check';

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

  async submit(tx: EntityManager, actor: Actor, spend: Spend): Promise<void> {
    const systemFlags = new Set(spend.systemFlags.filter((f) => f !== 'duplicate_suspected'));
    if (await this.spends.hasDuplicate(tx, spend)) systemFlags.add('duplicate_suspected');
    spend.systemFlags = [...systemFlags].sort();

    const { stored, chain } = await this.policyCheck.run(tx, spend);
    const now = new Date();
    spend.policyEvaluation = stored;
    spend.flags = stored.flags;
    spend.status = stored.decision;
    spend.submittedAt = now;
    spend.decidedAt = stored.decision === 'pending_approval' ? null : now;
    spend.approvalRound += 1;
    await this.approvals.cancelOpen(tx, spend.organizationId, spend.id);
    await tx.save(spend);
    if (stored.decision === 'pending_approval' && chain.length > 0) {
      await this.approvals.request(tx, actor, { organizationId: spend.organizationId, ownerId: spend.userId, teamId: spend.teamId, spendId: spend.id, round: spend.approvalRound }, chain);
    }
    await this.audit.record(tx, actor, {
      action: 'spend.submitted', entityType: 'spend', entityId: spend.id,
      metadata: { status: spend.status, round: spend.approvalRound, flags: spend.flags, matched_rules: stored.matched_rules.length },
    });
    const event = { spend_id: spend.id, user_id: spend.userId, status: spend.status };
    await this.outbox.enqueue(tx, spend.organizationId, 'spend.submitted', event);
    if (spend.status === 'approved') await this.outbox.enqueue(tx, spend.organizationId, 'spend.approved', event);
    if (spend.status === 'blocked') await this.outbox.enqueue(tx, spend.organizationId, 'spend.blocked', { ...event, message: stored.block_message });
  }
}
