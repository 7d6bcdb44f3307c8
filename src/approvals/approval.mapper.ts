import { Approval } from './approval.entity';
import { ApprovalResponseDto } from './dto/approval.dto';

/** A step in the caller's GET /approvals: one named to someone else came to them through a delegation. */
export function toListedApprovalResponse(approval: Approval, viewerId: string): ApprovalResponseDto {
  const delegated = approval.approverUserId !== null && approval.approverUserId !== viewerId;
  return { ...toApprovalResponse(approval), delegated_from: delegated ? approval.approverUserId : null };
}

export function toApprovalResponse(approval: Approval): ApprovalResponseDto {
  return {
    id: approval.id,
    subject_type: approval.subjectType,
    subject_id: approval.subjectId,
    spend_id: approval.spendId,
    round: approval.round,
    step: approval.step,
    status: approval.status,
    approver: { user_id: approval.approverUserId, role: approval.approverRole },
    requirement: approval.requirement,
    note: approval.note,
    policy_id: approval.policyId,
    rule_id: approval.ruleId,
    decided_by: approval.decidedBy,
    on_behalf_of: approval.decidedOnBehalfOf,
    decided_at: approval.decidedAt?.toISOString() ?? null,
    comment: approval.comment,
    pending_since: approval.pendingSince?.toISOString() ?? null,
    reminded_at: approval.remindedAt?.toISOString() ?? null,
    escalated_at: approval.escalatedAt?.toISOString() ?? null,
    created_at: approval.createdAt.toISOString(),
  };
}
