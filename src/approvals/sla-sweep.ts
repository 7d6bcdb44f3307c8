import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import { OutboxService } from '../common/outbox/outbox.service';
import { AppConfig } from '../config/app-config';
import { Directory } from '../users/directory';
import { ApprovalsRepository } from './approvals.repository';
import { DecisionRecorder } from './decision-recorder';
import { DelegationsRepository } from './delegations.repository';
import { ReassignmentsRepository } from './reassignments.repository';
import { EscalationTarget, escalationTarget, hoursPending } from './sla-rules';
import { DueStep, SlaRepository } from './sla.repository';

/** Steps claimed per transaction, and at most this many batches (or auto-rejects) per sweep and action. */
const BATCH = 100;
const MAX_BATCHES = 20;

export interface SweepResult {
  reminded: number;
  escalated: number;
  autoRejected: number;
}

/**
 * The approval SLA's sweep (docs/approvals-sla.md), every APPROVAL_SLA_SWEEP_SECONDS in every
 * API and worker process: first the auto-rejects that are due, then the escalations, then the
 * reminders (so a step due for both is escalated, not reminded first). Each action claims its
 * steps in the transaction that audits it and writes its outbox rows (SlaRepository), so that
 * processes sweeping side by side remind, escalate and reject each step once.
 */
@Injectable()
export class ApprovalSlaSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ApprovalSla');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sla: SlaRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly steps: ReassignmentsRepository,
    private readonly decisions: DecisionRecorder,
    private readonly delegations: DelegationsRepository,
    private readonly directory: Directory,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The next sweep a period after the last one ended, so that a slow sweep never overlaps itself. */
  private schedule(): void {
    const seconds = this.config.approvalSla.sweepSeconds;
    if (this.stopped || seconds === 0) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((error: Error) => this.logger.warn(`approval SLA sweep failed: ${error.message}`))
        .finally(() => this.schedule());
    }, seconds * 1000);
    this.timer.unref();
  }

  /** One sweep as of `now` (tests pass their own). */
  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const autoRejected = await this.autoRejectAll(now);
    const escalated = await this.inBatches((tx) => this.escalateBatch(tx, now));
    const reminded = await this.inBatches((tx) => this.remindBatch(tx, now));
    const result = { reminded, escalated, autoRejected };
    if (reminded + escalated + autoRejected > 0) this.logger.log(`approval SLA: ${JSON.stringify(result)}`);
    return result;
  }

  private async inBatches(batch: (tx: EntityManager) => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const done = await this.dataSource.transaction(batch);
      total += done;
      if (done < BATCH) break;
    }
    return total;
  }

  private async remindBatch(tx: EntityManager, now: Date): Promise<number> {
    const due = await this.sla.claimReminders(tx, now, BATCH);
    for (const step of due) await this.remind(tx, step, now, 'reminder');
    return due.length;
  }

  private async remind(tx: EntityManager, step: DueStep, now: Date, reason: 'reminder' | 'escalation') {
    const hours = hoursPending(step.pendingSince, now);
    await this.audit.record(tx, system(step), {
      action: 'approval.reminded',
      entityType: 'approval',
      entityId: step.id,
      metadata: {
        ...about(step),
        approver_user_id: step.approverUserId,
        approver_role: step.approverRole,
        hours_pending: hours,
        reason,
      },
    });
    await this.outbox.enqueue(tx, step.organizationId, 'approval.reminded', {
      ...event(step, hours),
      approver_user_id: step.approverUserId,
      approver_role: step.approverRole,
      reason,
    });
  }

  private async escalateBatch(tx: EntityManager, now: Date): Promise<number> {
    const due = await this.sla.claimEscalations(tx, now, BATCH);
    for (const step of due) {
      const target = await this.targetOf(tx, step);
      if (target.kind === 'remind_again') {
        await this.remind(tx, step, now, 'escalation');
        continue;
      }
      const to = target.kind === 'user' ? { userId: target.userId, role: null } : { userId: null, role: target.role };
      const hours = hoursPending(step.pendingSince, now);
      const note = `Escalated after ${hours} hours pending (approval SLA)`;
      if (target.kind === 'user') await this.steps.assign(tx, step.organizationId, [step.id], target.userId, note);
      else await this.steps.assignRole(tx, step.organizationId, [step.id], target.role, note);
      await this.audit.record(tx, system(step), {
        action: 'approval.escalated',
        entityType: 'approval',
        entityId: step.id,
        metadata: {
          ...about(step),
          from_user_id: step.approverUserId,
          from_role: step.approverRole,
          to_user_id: to.userId,
          to_role: to.role,
          hours_pending: hours,
          hours_overdue: Math.max(0, hours - step.afterHours),
        },
      });
      await this.outbox.enqueue(tx, step.organizationId, 'approval.escalated', {
        ...event(step, hours),
        from_user_id: step.approverUserId,
        from_role: step.approverRole,
        to_user_id: to.userId,
        to_role: to.role,
      });
    }
    return due.length;
  }

  private async targetOf(tx: EntityManager, step: DueStep): Promise<EscalationTarget> {
    const owner = await this.directory.user(step.organizationId, step.subjectOwnerId, tx);
    const line = step.approverUserId
      ? await this.directory.managerOf(tx, step.organizationId, step.approverUserId)
      : null;
    const manager = line?.manager ?? null;
    // The reassignment path's own checks: whether the manager decided another step of this
    // round, or is named on another open one.
    const [weighed] = manager ? await this.steps.lockByIds(tx, step.organizationId, [step.id], manager.id) : [];
    const delegatesTo = async (to: string | null) =>
      manager !== null && to !== null && this.delegations.delegatesToday(tx, step.organizationId, manager.id, to);
    return escalationTarget({
      approverUserId: step.approverUserId,
      approverRole: step.approverRole,
      owner,
      manager,
      managerDecidedAnotherStep: weighed?.decidedByTarget ?? false,
      managerNamedOnOpenStep: weighed?.targetNamedOnOpenStep ?? false,
      managerDelegatesToApproverOrOwner:
        (await delegatesTo(step.approverUserId)) || (await delegatesTo(owner?.id ?? null)),
    });
  }

  /**
   * Each due step rejected in a transaction of its own, through the path of a human rejection
   * (DecisionRecorder), so that one whose subject refuses (and rolls back) stops no other.
   */
  private async autoRejectAll(now: Date): Promise<number> {
    const failed: string[] = [];
    let rejected = 0;
    for (let i = 0; i < BATCH * MAX_BATCHES; i++) {
      const claim: { id: string | null } = { id: null };
      try {
        const done = await this.dataSource.transaction(async (tx) => {
          const claimed = await this.sla.claimAutoReject(tx, now, failed);
          if (!claimed) return false;
          claim.id = claimed.id;
          const approval = (await this.approvals.lockForDecision(tx, claimed.organizationId, claimed.id))!;
          const actor: SystemActor = { organizationId: claimed.organizationId, userId: null };
          const hours = approval.pendingSince ? hoursPending(approval.pendingSince, now) : null;
          await this.audit.record(tx, actor, {
            action: 'approval.auto_rejected',
            entityType: 'approval',
            entityId: approval.id,
            metadata: {
              subject_type: approval.subjectType,
              subject_id: approval.subjectId,
              round: approval.round,
              step: approval.step,
              hours_pending: hours,
              auto_reject_after_days: claimed.afterHours / 24,
            },
          });
          await this.decisions.record(tx, actor, approval, {
            approved: false,
            comment: claimed.message,
            onBehalfOf: null,
            automatic: 'auto_reject',
          });
          return true;
        });
        if (!done) break;
        rejected += 1;
      } catch (error) {
        if (claim.id === null) throw error;
        failed.push(claim.id);
        this.logger.warn(`auto-reject of approval ${claim.id} failed: ${(error as Error).message}`);
      }
    }
    return rejected;
  }
}

const system = (step: DueStep): SystemActor => ({ organizationId: step.organizationId, userId: null });
const about = (step: DueStep) => ({
  subject_type: step.subjectType,
  subject_id: step.subjectId,
  round: step.round,
  step: step.step,
});
const event = (step: DueStep, hours: number) => ({
  approval_id: step.id,
  subject_type: step.subjectType,
  subject_id: step.subjectId,
  ...(step.spendId ? { spend_id: step.spendId } : {}),
  step: step.step,
  hours_pending: hours,
});
