import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { Page } from '../common/pagination/page';
import type { ApprovalRequirement } from '../policies/engine/evaluate';
import { ApprovalSubject, SubjectType, subjectNoun } from './approval-subject';
import { Approval } from './approval.entity';
import { toApprovalResponse, toListedApprovalResponse } from './approval.mapper';
import { ApprovalErrors } from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';
import { ApproverResolver, ChainContext, ResolvedApprover } from './approver-resolver';
import { DecisionRecorder } from './decision-recorder';
import { DelegationsService } from './delegations.service';
import { ApprovalResponseDto, DecisionDto, DecisionResponseDto, ListApprovalsQuery } from './dto/approval.dto';

/** A step of a round, as another module may weigh it. */
export type RoundStep = Pick<Approval, 'step' | 'status' | 'approverUserId' | 'approverRole'>;

@Injectable()
export class ApprovalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly approvals: ApprovalsRepository,
    private readonly resolver: ApproverResolver,
    private readonly decisions: DecisionRecorder,
    private readonly audit: AuditService,
    private readonly delegations: DelegationsService,
  ) {}

  /** Resolves approvers without storing anything (for simulations and evaluations). */
  resolve(tx: EntityManager, context: ChainContext, requirements: ApprovalRequirement[]): Promise<ResolvedApprover[]> {
    return this.resolver.resolve(tx, context, requirements);
  }

  /**
   * Creates a subject's approval chain for one submission round, inside the submission's
   * transaction: step 1 is pending (and its approver told), later steps wait their turn.
   * `context.ownerId` is who submitted the subject, and never decides it.
   */
  async request(
    tx: EntityManager,
    actor: Actor | SystemActor,
    context: ChainContext & { subject: ApprovalSubject; round: number },
    chain: ResolvedApprover[],
  ): Promise<Approval[]> {
    const { subject } = context;
    const created = chain.map((approver, index) =>
      Object.assign(new Approval(), {
        organizationId: context.organizationId,
        subjectType: subject.type,
        subjectId: subject.id,
        spendId: subject.type === 'spend' ? subject.id : null,
        subjectOwnerId: context.ownerId,
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
        decidedOnBehalfOf: null,
        decidedAt: null,
        comment: null,
        pendingSince: null,
        remindedAt: null,
        escalatedAt: null,
      }),
    );
    await this.approvals.insertChain(tx, created);
    if (created[0]) await this.decisions.announceAssigned(tx, created[0]);
    await this.audit.record(tx, actor, {
      action: 'approval.requested',
      entityType: subject.type,
      entityId: subject.id,
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

  cancelOpen(tx: EntityManager, organizationId: string, subject: ApprovalSubject): Promise<void> {
    return this.approvals.cancelOpen(tx, organizationId, subject);
  }

  /** The steps of a subject's round, as a re-evaluation weighs them. */
  async stepsOfRound(
    tx: EntityManager,
    organizationId: string,
    subject: ApprovalSubject,
    round: number,
  ): Promise<RoundStep[]> {
    return (await this.approvals.ofRound(tx, organizationId, subject, round)).map(
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
      result.get(approval.subjectId)?.push(toApprovalResponse(approval));
    return result;
  }

  /** Every step of the given subjects (of one type), by subject id, in round and chain order. */
  async forSubjects(
    organizationId: string,
    type: SubjectType,
    ids: string[],
    tx?: EntityManager,
  ): Promise<Map<string, ApprovalResponseDto[]>> {
    const result = new Map<string, ApprovalResponseDto[]>(ids.map((id) => [id, []]));
    for (const approval of await this.approvals.forSubjects(organizationId, type, ids, tx))
      result.get(approval.subjectId)?.push(toApprovalResponse(approval));
    return result;
  }

  spendIdsAssignedTo(organizationId: string, userId: string): Promise<string[]> {
    return this.approvals.spendIdsAssignedTo(organizationId, userId);
  }

  /** Subjects of a type the user is (or was) named on or decided a step of: they may see them. */
  subjectIdsAssignedTo(organizationId: string, type: SubjectType, userId: string): Promise<string[]> {
    return this.approvals.subjectIdsAssignedTo(organizationId, type, userId);
  }

  async list(actor: Actor, query: ListApprovalsQuery): Promise<Page<ApprovalResponseDto>> {
    const { total, items } = await this.approvals.listFor(actor, query.status, {
      limit: query.limit,
      offset: query.offset,
      subjectType: query.subject_type,
      overdue: query.overdue,
    });
    return { total, items: items.map((a) => toListedApprovalResponse(a, actor.userId)), next_cursor: null };
  }

  /**
   * Records a decision on the current step under a row lock (of two simultaneous decisions
   * exactly one wins; the other finds it decided), advances or ends the chain, and announces
   * the outcome in the same transaction so that the subject moves with it.
   */
  async decide(actor: Actor, approvalId: string, dto: DecisionDto): Promise<DecisionResponseDto> {
    if (!dto.approved && !dto.comment) {
      throw ApprovalErrors.COMMENT_REQUIRED('Say why it is rejected, so that its owner can fix it', {
        errors: [{ field: 'comment', message: 'is required when rejecting' }],
      });
    }
    return this.dataSource.transaction(async (tx) => {
      const approval = await this.approvals.lockForDecision(tx, actor.organizationId, approvalId);
      if (!approval) throw ApprovalErrors.APPROVAL_NOT_FOUND(`Approval ${approvalId} does not exist`);
      const onBehalfOf = await this.authorize(tx, actor, approval);

      const { status } = await this.decisions.record(tx, actor, approval, {
        approved: dto.approved,
        comment: dto.comment ?? null,
        onBehalfOf,
      });
      return {
        status: 'ok' as const,
        subject_type: approval.subjectType,
        subject_id: approval.subjectId,
        subject_status: status,
        ...(approval.subjectType === 'spend' ? { spend_status: status } : {}),
        ...(onBehalfOf ? { on_behalf_of: onBehalfOf } : {}),
      };
    });
  }

  /**
   * The step of the subject that the caller may decide now, row-locked, or the refusal that says
   * why not: for what a subject's module lets the current approver do besides approving or
   * rejecting the whole (an expense report's approver rejecting one line, say). Same rules as a
   * decision: not the owner, the assigned person or role, the current step, one step per person.
   */
  async currentStepFor(tx: EntityManager, actor: Actor, subject: ApprovalSubject, round: number): Promise<Approval> {
    const steps = await this.approvals.ofRound(tx, actor.organizationId, subject, round);
    const current = steps.find((a) => a.status === 'pending');
    const noun = subjectNoun(subject.type);
    if (!current) throw ApprovalErrors.APPROVAL_NOT_FOUND(`This ${noun} has no step open for a decision`);
    const locked = await this.approvals.lockForDecision(tx, actor.organizationId, current.id);
    if (!locked) throw ApprovalErrors.APPROVAL_NOT_FOUND(`This ${noun} has no step open for a decision`);
    await this.authorize(tx, actor, locked);
    return locked;
  }

  /**
   * Refuses, with the reason, a caller who may not decide this (locked) step now; answers the
   * approver named on the step when the caller decides it as their delegate (else null). The
   * delegate is judged as a person: never their own submission, never two steps of one round.
   */
  private async authorize(tx: EntityManager, actor: Actor, approval: Approval): Promise<string | null> {
    const noun = subjectNoun(approval.subjectType);
    if (approval.subjectOwnerId === actor.userId)
      throw ApprovalErrors.SELF_APPROVAL_FORBIDDEN(`Nobody approves their own ${noun}`);
    let onBehalfOf: string | null = null;
    if (!mayDecide(actor, approval)) {
      const named = approval.approverUserId;
      const delegated =
        named !== null &&
        actor.role !== 'accountant' &&
        (await this.delegations.delegatesToday(tx, actor.organizationId, named, actor.userId));
      if (!delegated) throw ApprovalErrors.NOT_APPROVER('This step is assigned to someone else');
      onBehalfOf = named;
    }
    if (approval.status === 'waiting')
      throw ApprovalErrors.APPROVAL_NOT_CURRENT(`Step ${approval.step - 1} of this ${noun} is still open`);
    if (approval.status !== 'pending')
      throw ApprovalErrors.APPROVAL_ALREADY_DECIDED(`This step was already ${approval.status}`);
    // Each step is a second pair of eyes: a manager who is also finance decides one of them, not both.
    const earlier = await this.approvals.stepDecidedBy(tx, approval, actor.userId);
    if (earlier !== null)
      throw ApprovalErrors.ALREADY_DECIDED_ANOTHER_STEP(
        `You decided step ${earlier} of this ${noun}; someone else must decide step ${approval.step}`,
      );
    return onBehalfOf;
  }
}

/** An accountant never decides, not even a step that named them before their role changed. */
function mayDecide(actor: Actor, approval: Approval): boolean {
  if (actor.role === 'accountant') return false;
  if (approval.approverUserId) return approval.approverUserId === actor.userId;
  return approval.approverRole !== null && hasAtLeast(actor.role, approval.approverRole);
}
