import { Approval } from './approval.entity';
import { ApprovalResponseDto } from './dto/approval.dto';

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
    decided_at: approval.decidedAt?.toISOString() ?? null,
    comment: approval.comment,
    created_at: approval.createdAt.toISOString(),
  };
}
