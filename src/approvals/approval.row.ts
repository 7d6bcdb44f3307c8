import type { SubjectType } from './approval-subject';
import { Approval } from './approval.entity';

/** An `approvals` row as `pg` answers it. */
export interface ApprovalRow {
  id: string;
  organization_id: string;
  subject_type: SubjectType;
  subject_id: string;
  spend_id: string | null;
  subject_owner_id: string;
  round: number;
  step: number;
  requirement: string;
  approver_user_id: string | null;
  approver_role: Approval['approverRole'];
  status: Approval['status'];
  note: string | null;
  policy_id: string | null;
  rule_id: string | null;
  decided_by: string | null;
  decided_on_behalf_of: string | null;
  decided_at: Date | null;
  comment: string | null;
  pending_since: Date | null;
  reminded_at: Date | null;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const APPROVAL_COLUMNS =
  'id, organization_id, subject_type, subject_id, spend_id, subject_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id, decided_by, decided_on_behalf_of, decided_at, comment, pending_since, reminded_at, escalated_at, created_at, updated_at';

export const APPROVAL_COLUMNS_OF_A = APPROVAL_COLUMNS.split(', ')
  .map((column) => `a.${column}`)
  .join(', ');

export function toApproval(row: ApprovalRow): Approval {
  return Object.assign(new Approval(), {
    id: row.id,
    organizationId: row.organization_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    spendId: row.spend_id,
    subjectOwnerId: row.subject_owner_id,
    round: row.round,
    step: row.step,
    requirement: row.requirement,
    approverUserId: row.approver_user_id,
    approverRole: row.approver_role,
    status: row.status,
    note: row.note,
    policyId: row.policy_id,
    ruleId: row.rule_id,
    decidedBy: row.decided_by,
    decidedOnBehalfOf: row.decided_on_behalf_of,
    decidedAt: row.decided_at,
    comment: row.comment,
    pendingSince: row.pending_since,
    remindedAt: row.reminded_at,
    escalatedAt: row.escalated_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
