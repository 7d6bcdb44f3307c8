import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { OutboxService } from '../common/outbox/outbox.service';
import { ApprovalEvents, ChainOutcome } from './approval-events';
import type { ApprovalSubject } from './approval-subject';
import { Approval } from './approval.entity';
import { ApprovalsRepository } from './approvals.repository';

/** A decision on a step: by a person (checked by ApprovalsService first), or by the system (an auto-reject). */
export interface Decision {
  approved: boolean;
  comment: string | null;
  /** The approver named on the step, when a delegate decided for them. */
  onBehalfOf: string | null;
  /** Set when nobody decided: the organization's auto-reject (docs/approvals-sla.md). */
  automatic?: 'auto_reject';
}

/**
 * The one path by which a step is decided, for a person and for the system alike: records the
 * decision on the (locked) step, advances or ends the chain, audits it, and announces the outcome
 * in the same transaction so that the subject moves with it (ApprovalEvents).
 */
@Injectable()
export class DecisionRecorder {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly events: ApprovalEvents,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** The chain's outcome and the subject's status as its module answered it. */
  async record(
    tx: EntityManager,
    actor: Actor | SystemActor,
    approval: Approval,
    decision: Decision,
  ): Promise<{ outcome: ChainOutcome; status: string }> {
    approval.status = decision.approved ? 'approved' : 'rejected';
    approval.decidedBy = actor.userId ?? null;
    approval.decidedOnBehalfOf = decision.onBehalfOf;
    approval.decidedAt = new Date();
    approval.comment = decision.comment;
    await this.approvals.saveDecision(tx, approval);

    let outcome: ChainOutcome = decision.approved ? 'approved' : 'rejected';
    if (decision.approved) {
      const next = await this.approvals.findNextWaiting(tx, approval);
      if (next) {
        next.status = 'pending';
        await this.approvals.saveDecision(tx, next);
        await this.announceAssigned(tx, next);
        outcome = 'advanced';
      }
    } else {
      await this.approvals.cancelOpen(tx, approval.organizationId, subjectOf(approval));
    }
    await this.audit.record(tx, actor, {
      action: 'approval.decided',
      entityType: 'approval',
      entityId: approval.id,
      metadata: {
        subject_type: approval.subjectType,
        subject_id: approval.subjectId,
        ...(approval.spendId ? { spend_id: approval.spendId } : {}),
        step: approval.step,
        round: approval.round,
        decision: approval.status,
        ...(decision.onBehalfOf ? { on_behalf_of: decision.onBehalfOf } : {}),
        ...(decision.automatic ? { automatic: decision.automatic } : {}),
        comment: approval.comment,
        outcome,
      },
    });
    const status = await this.events.decided({
      tx,
      actor,
      organizationId: approval.organizationId,
      subjectType: approval.subjectType,
      subjectId: approval.subjectId,
      approvalId: approval.id,
      round: approval.round,
      outcome,
      comment: approval.comment,
    });
    return { outcome, status };
  }

  /** `approval.assigned`: the step's approver (or the holders of its role) is told it waits for them. */
  async announceAssigned(tx: EntityManager, approval: Approval): Promise<void> {
    await this.outbox.enqueue(tx, approval.organizationId, 'approval.assigned', {
      approval_id: approval.id,
      subject_type: approval.subjectType,
      subject_id: approval.subjectId,
      ...(approval.spendId ? { spend_id: approval.spendId } : {}),
      step: approval.step,
      approver_user_id: approval.approverUserId,
      approver_role: approval.approverRole,
    });
  }
}

export function subjectOf(approval: Approval): ApprovalSubject {
  return { type: approval.subjectType, id: approval.subjectId };
}
