import { defineErrors } from '../common/errors/domain-error';

export const ApprovalErrors = defineErrors({
  APPROVAL_NOT_FOUND: { status: 404, title: 'Approval not found' },
  NOT_APPROVER: { status: 403, title: 'Not the approver of this step' },
  SELF_APPROVAL_FORBIDDEN: { status: 403, title: 'Nobody approves what they submitted' },
  ALREADY_DECIDED_ANOTHER_STEP: { status: 403, title: 'Another step of this chain was decided by the same person' },
  APPROVAL_ALREADY_DECIDED: { status: 409, title: 'Approval already decided' },
  APPROVAL_NOT_CURRENT: { status: 409, title: 'An earlier step is still open' },
  COMMENT_REQUIRED: { status: 422, title: 'A rejection needs a comment' },
  REASSIGNMENT_CONFLICT: { status: 409, title: 'Some steps cannot go to the new approver' },
  REASSIGNMENT_SELECTION_INVALID: { status: 422, title: 'Name the steps to reassign one way' },
  APPROVER_NOT_ELIGIBLE: { status: 422, title: 'The new approver may not decide approvals' },
  APPROVAL_SLA_INVALID: { status: 422, title: 'The approval SLA settings contradict each other' },
});
