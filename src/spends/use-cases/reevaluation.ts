import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { spendSubject } from '../../approvals/approval-subject';
import { AuditService, SystemActor } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Spend } from '../spend.entity';
import { SpendsRepository } from '../spends.repository';
import { PolicyCheck } from './policy-check';

/**
 * Runs the policies again over a pending spend whose facts changed after submission (a
 * receipt arrived, OCR verified it or found a mismatch). Approvals already given in the
 * current round count: an approver who said yes is not asked again.
 * - the policies now block it: blocked, open steps cancelled;
 * - nothing left to approve and no receipt missing: approved;
 * - the same approvers are still needed: only the stored evaluation changes;
 * - other approvers are needed: a new round asks the ones who have not approved yet.
 */
@Injectable()
export class Reevaluation {
  constructor(
    private readonly spends: SpendsRepository,
    private readonly policyCheck: PolicyCheck,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** `spend` must be row-locked by the caller's transaction. */
  async run(tx: EntityManager, actor: Actor | SystemActor, spend: Spend, reason: string): Promise<void> {
    // A line of an expense report has no chain of its own: the report's approvers decide it.
    if (spend.status !== 'pending_approval' || spend.expenseReportId) return;
    const { stored, chain } = await this.policyCheck.run(tx, spend);
    const round = await this.approvals.stepsOfRound(
      tx,
      spend.organizationId,
      spendSubject(spend.id),
      spend.approvalRound,
    );
    const approvedBy = round.filter((a) => a.status === 'approved');
    const open = round.filter((a) => a.status === 'pending' || a.status === 'waiting').sort((a, b) => a.step - b.step);
    const remaining = chain.filter(
      (c) => !approvedBy.some((a) => a.approverUserId === c.userId && a.approverRole === c.role),
    );
    const before = spend.status;

    spend.policyEvaluation = stored;
    spend.flags = stored.flags;
    if (stored.decision === 'blocked') {
      spend.status = 'blocked';
    } else if (remaining.length === 0 && !stored.awaiting_receipt) {
      spend.status = 'approved';
    }
    const sameApprovers =
      remaining.length === open.length &&
      remaining.every((c, i) => open[i].approverUserId === c.userId && open[i].approverRole === c.role);
    if (spend.status !== 'pending_approval') {
      spend.decidedAt = new Date();
      await this.approvals.cancelOpen(tx, spend.organizationId, spendSubject(spend.id));
      await this.spends.saveReevaluation(tx, spend);
    } else if (sameApprovers) {
      await this.spends.saveReevaluation(tx, spend);
    } else {
      await this.approvals.cancelOpen(tx, spend.organizationId, spendSubject(spend.id));
      spend.approvalRound += 1;
      await this.spends.saveReevaluation(tx, spend);
      if (remaining.length > 0) {
        await this.approvals.request(
          tx,
          actor,
          {
            organizationId: spend.organizationId,
            ownerId: spend.userId,
            teamId: spend.teamId,
            subject: spendSubject(spend.id),
            round: spend.approvalRound,
          },
          remaining,
        );
      }
    }
    await this.audit.record(tx, actor, {
      action: 'spend.reevaluated',
      entityType: 'spend',
      entityId: spend.id,
      metadata: {
        reason,
        from: before,
        to: spend.status,
        round: spend.approvalRound,
        flags: spend.flags,
        approvers_still_needed: remaining.length,
      },
    });
    const event = { spend_id: spend.id, user_id: spend.userId, status: spend.status };
    if (spend.status === 'approved') await this.outbox.enqueue(tx, spend.organizationId, 'spend.approved', event);
    if (spend.status === 'blocked')
      await this.outbox.enqueue(tx, spend.organizationId, 'spend.blocked', { ...event, message: stored.block_message });
  }
}
