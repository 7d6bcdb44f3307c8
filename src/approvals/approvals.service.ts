import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { OutboxService } from '../common/outbox/outbox.service';
import { Page } from '../common/pagination/page';
import type { ApprovalRequirement } from '../policies/engine/evaluate';
import { ChainOutcome, ApprovalEvents } from './approval-events';
import { Approval } from './approval.entity';
import { toApprovalResponse } from './approval.mapper';
import { ApprovalErrors } from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';
import { ApproverResolver, ChainContext, ResolvedApprover } from './approver-resolver';
import { ApprovalResponseDto, DecisionDto, DecisionResponseDto, ListApprovalsQuery } from './dto/approval.dto';

/** A step of a round, as another module may weigh it. */
export type RoundStep = Pick<Approval, 'step' | 'status' | 'approverUserId' | 'approverRole'>;

const SPEND_STATUS_AFTER: Record<ChainOutcome, string> = {
  advanced: 'pending_approval',
  approved: 'approved',
  rejected: 'rejected',
};

@Injectable()
export class ApprovalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly approvals: ApprovalsRepository,
    private readonly resolver: ApproverResolver,
    private readonly events: ApprovalEvents,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** Resolves approvers without storing anything (for simulations and evaluations). */
  resolve(tx: EntityManager, context: ChainContext, requirements: ApprovalRequirement[]): Promise<ResolvedApprover[]> {
    return this.resolver.resolve(tx, context, requirements);
  }

  /**
   * Creates a spend's approval chain for one submission round, inside the submission's
   * transaction: step 1 is pending (and its approver told), later steps wait their turn.
   */
  async request(
    tx: EntityManager,
    actor: Actor | SystemActor,
    context: ChainContext & { spendId: string; round: number },
    chain: ResolvedApprover[],
  ): Promise<Approval[]> {
    const created = chain.map((approver, index) =>
      Object.assign(new Approval(), {
        organizationId: context.organizationId,
        spendId: context.spendId,
        spendOwnerId: context.ownerId,
        round: context.round,
        step: index + 1,
        requirement: approver.requirement.approver,
        approverUserId: approver.userId,
        approverRole: approver.role,
        status: index === 0 ? 'pending' : 'waiting',
        note: approver.note,
        policyId: approver.requirement.policy_id,
        ruleId: approver.requirement.rule_id,
        decidedBy: null,
        decidedAt: null,
        comment: null,
      }),
    );
    await this.approvals.insertChain(tx, created);
    if (created[0]) await this.announceAssigned(tx, created[0]);
    await this.audit.record(tx, actor, {
      action: 'approval.requested',
      entityType: 'spend',
      entityId: context.spendId,
      metadata: {
        round: context.round,
        steps: created.map((a) => ({
          step: a.step,
          approver_user_id: a.approverUserId,
          approver_role: a.approverRole,
          note: a.note,
        })),
      },
    });
    return created;
  }

  cancelOpen(tx: EntityManager, organizationId: string, spendId: string): Promise<void> {
    return this.approvals.cancelOpen(tx, organizationId, spendId);
  }

  /** The steps of a spend's round, as a spend's re-evaluation weighs them. */
  async stepsOfRound(tx: EntityManager, organizationId: string, spendId: string, round: number): Promise<RoundStep[]> {
    return (await this.approvals.ofRound(tx, organizationId, spendId, round)).map(
      ({ step, status, approverUserId, approverRole }) => ({ step, status, approverUserId, approverRole }),
    );
  }

  async forSpends(
    organizationId: string,
    spendIds: string[],
    tx?: EntityManager,
  ): Promise<Map<string, ApprovalResponseDto[]>> {
    const result = new Map<string, ApprovalResponseDto[]>(spendIds.map((id) => [id, []]));
    for (const approval of await this.approvals.forSpends(organizationId, spendIds, tx))
      result.get(approval.spendId)?.push(toApprovalResponse(approval));
    return result;
  }

  spendIdsAssignedTo(organizationId: string, userId: string): Promise<string[]> {
    return this.approvals.spendIdsAssignedTo(organizationId, userId);
  }

  async list(actor: Actor, query: ListApprovalsQuery): Promise<Page<ApprovalResponseDto>> {
    const { total, items } = await this.approvals.listFor(actor, query.status, query);
    return { total, items: items.map(toApprovalResponse), next_cursor: null };
  }

  /**
   * Records a decision on the current step under a row lock (of two simultaneous decisions
   * exactly one wins; the other finds it decided), advances or ends the chain, and announces
   * the outcome in the same transaction so that the spend moves with it.
   */
  async decide(actor: Actor, approvalId: string, dto: DecisionDto): Promise<DecisionResponseDto> {
    if (!dto.approved && !dto.comment) {
      throw ApprovalErrors.COMMENT_REQUIRED('Say why the spend is rejected, so that its owner can fix it', {
        errors: [{ field: 'comment', message: 'is required when rejecting' }],
      });
    }
    const spendStatus = await this.dataSource.transaction(async (tx) => {
      const approval = await this.approvals.lockForDecision(tx, actor.organizationId, approvalId);
      if (!approval) throw ApprovalErrors.APPROVAL_NOT_FOUND(`Approval ${approvalId} does not exist`);
      if (approval.spendOwnerId === actor.userId)
        throw ApprovalErrors.SELF_APPROVAL_FORBIDDEN('Nobody approves their own spend');
      if (!mayDecide(actor, approval)) throw ApprovalErrors.NOT_APPROVER('This step is assigned to someone else');
      if (approval.status === 'waiting')
        throw ApprovalErrors.APPROVAL_NOT_CURRENT(`Step ${approval.step - 1} of this spend is still open`);
      if (approval.status !== 'pending')
        throw ApprovalErrors.APPROVAL_ALREADY_DECIDED(`This step was already ${approval.status}`);
      // Each step is a second pair of eyes: a manager who is also finance decides one of them, not both.
      const earlier = await this.approvals.stepDecidedBy(tx, approval, actor.userId);
      if (earlier !== null)
        throw ApprovalErrors.ALREADY_DECIDED_ANOTHER_STEP(
          `You decided step ${earlier} of this spend; someone else must decide step ${approval.step}`,
        );

      approval.status = dto.approved ? 'approved' : 'rejected';
      approval.decidedBy = actor.userId;
      approval.decidedAt = new Date();
      approval.comment = dto.comment ?? null;
      await this.approvals.saveDecision(tx, approval);

      let result: ChainOutcome = dto.approved ? 'approved' : 'rejected';
      if (dto.approved) {
        const next = await this.approvals.findNextWaiting(tx, approval);
        if (next) {
          next.status = 'pending';
          await this.approvals.saveDecision(tx, next);
          await this.announceAssigned(tx, next);
          result = 'advanced';
        }
      } else {
        await this.approvals.cancelOpen(tx, approval.organizationId, approval.spendId);
      }
      await this.audit.record(tx, actor, {
        action: 'approval.decided',
        entityType: 'approval',
        entityId: approval.id,
        metadata: {
          spend_id: approval.spendId,
          step: approval.step,
          round: approval.round,
          decision: approval.status,
          comment: approval.comment,
          outcome: result,
        },
      });
      const spendStatus = await this.events.decided({
        tx,
        actor,
        organizationId: approval.organizationId,
        spendId: approval.spendId,
        approvalId: approval.id,
        outcome: result,
        comment: approval.comment,
      });
      return spendStatus ?? SPEND_STATUS_AFTER[result];
    });
    return { status: 'ok', spend_status: spendStatus };
  }

  private async announceAssigned(tx: EntityManager, approval: Approval): Promise<void> {
    await this.outbox.enqueue(tx, approval.organizationId, 'approval.assigned', {
      approval_id: approval.id,
      spend_id: approval.spendId,
      step: approval.step,
      approver_user_id: approval.approverUserId,
      approver_role: approval.approverRole,
    });
  }
}

/** An accountant never decides, not even a step that named them before their role changed. */
function mayDecide(actor: Actor, approval: Approval): boolean {
  if (actor.role === 'accountant') return false;
  if (approval.approverUserId) return approval.approverUserId === actor.userId;
  return approval.approverRole !== null && hasAtLeast(actor.role, approval.approverRole);
}
