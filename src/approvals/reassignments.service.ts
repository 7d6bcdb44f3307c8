import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { OutboxService } from '../common/outbox/outbox.service';
import { Directory } from '../users/directory';
import { ApprovalErrors } from './approvals.errors';
import { ReassignDto, ReassignResponseDto } from './dto/reassign.dto';
import { ReassignableStep, ReassignmentsRepository } from './reassignments.repository';

/** A user's open steps moved at once; more is refused rather than held locked in one transaction. */
export const REASSIGN_LIMIT = 500;

/**
 * An admin moves open approval steps (pending or waiting) to another eligible approver, with a
 * reason: named ones, or every open step of one user. All or nothing: a step that may not go to
 * the new approver (their own submission, a round they decided a step of, a step decided or
 * cancelled) refuses the whole request, naming each such step.
 */
@Injectable()
export class ReassignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly steps: ReassignmentsRepository,
    private readonly directory: Directory,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async reassign(actor: Actor, dto: ReassignDto): Promise<ReassignResponseDto> {
    const byIds = dto.approval_ids !== undefined;
    if (byIds === (dto.from_user_id !== undefined))
      throw ApprovalErrors.REASSIGNMENT_SELECTION_INVALID('Name either approval_ids or from_user_id, not both', {
        errors: [{ field: 'approval_ids', message: 'exactly one of approval_ids and from_user_id is required' }],
      });
    return this.dataSource.transaction(async (tx) => {
      await this.assertEligible(tx, actor.organizationId, dto.to_user_id);
      const org = actor.organizationId;
      const ids = [...new Set(dto.approval_ids ?? [])];
      const found = byIds
        ? await this.steps.lockByIds(tx, org, ids, dto.to_user_id)
        : await this.steps.lockOpenOf(tx, org, dto.from_user_id!, dto.to_user_id, REASSIGN_LIMIT + 1);
      if (byIds) {
        const missing = ids.filter((id) => !found.some((s) => s.id === id));
        if (missing.length > 0) throw ApprovalErrors.APPROVAL_NOT_FOUND(`Approval ${missing[0]} does not exist`);
      } else if (found.length > REASSIGN_LIMIT) {
        throw ApprovalErrors.REASSIGNMENT_SELECTION_INVALID(
          `The user has more than ${REASSIGN_LIMIT} open steps; reassign them by approval_ids`,
        );
      }
      const refusals = found.flatMap((step) => {
        const why = refusal(step, dto.to_user_id, found);
        return why ? [{ field: `approval_ids`, message: `${step.id}: ${why}` }] : [];
      });
      if (refusals.length > 0)
        throw ApprovalErrors.REASSIGNMENT_CONFLICT(
          `${refusals.length} of the steps cannot go to this approver; nothing was moved`,
          { errors: refusals },
        );
      const note = `Reassigned by an admin: ${dto.reason}`;
      await this.steps.reassign(
        tx,
        org,
        found.map((s) => s.id),
        dto.to_user_id,
        note,
      );
      for (const step of found) await this.record(tx, actor, step, dto);
      return { reassigned: found.length, approval_ids: found.map((s) => s.id) };
    });
  }

  private async record(tx: EntityManager, actor: Actor, step: ReassignableStep, dto: ReassignDto): Promise<void> {
    await this.audit.record(tx, actor, {
      action: 'approval.reassigned',
      entityType: 'approval',
      entityId: step.id,
      metadata: {
        subject_type: step.subjectType,
        subject_id: step.subjectId,
        round: step.round,
        step: step.step,
        from_user_id: step.approverUserId,
        from_role: step.approverRole,
        to_user_id: dto.to_user_id,
        reason: dto.reason,
      },
    });
    // A waiting step's approver hears of it when it becomes the one to decide.
    if (step.status === 'pending')
      await this.outbox.enqueue(tx, actor.organizationId, 'approval.assigned', {
        approval_id: step.id,
        subject_type: step.subjectType,
        subject_id: step.subjectId,
        ...(step.spendId ? { spend_id: step.spendId } : {}),
        step: step.step,
        approver_user_id: dto.to_user_id,
        approver_role: null,
      });
  }

  private async assertEligible(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    const user = await this.directory.user(organizationId, userId, tx);
    if (!user || !user.isActive || user.role === 'accountant' || !hasAtLeast(user.role, 'manager'))
      throw ApprovalErrors.APPROVER_NOT_ELIGIBLE(
        'to_user_id must name an active user of this organization with the manager role or above',
        { errors: [{ field: 'to_user_id', message: 'must be an active manager, finance or admin' }] },
      );
  }
}

/**
 * Why a step may not go to `to` (null: it may). Someone named on two open steps of one round
 * could decide only one of them (ALREADY_DECIDED_ANOTHER_STEP), so neither a step of a round
 * that names them already nor two steps of one round moved to them at once are accepted.
 */
function refusal(step: ReassignableStep, to: string, moved: ReassignableStep[]): string | null {
  if (step.status !== 'pending' && step.status !== 'waiting') return `the step is ${step.status}`;
  if (step.subjectOwnerId === to) return 'the new approver submitted it';
  if (step.decidedByTarget) return 'the new approver decided another step of this round';
  const sameRound = (o: ReassignableStep) =>
    o.id !== step.id && o.subjectType === step.subjectType && o.subjectId === step.subjectId && o.round === step.round;
  if (step.approverUserId !== to && (step.targetNamedOnOpenStep || moved.some(sameRound)))
    return 'the new approver is named on another open step of this round, and one person decides one step of a round';
  if (step.approverUserId === to) return 'the step is already assigned to them';
  return null;
}
