import { defineErrors } from '../common/errors/domain-error';

export const DelegationErrors = defineErrors({
  DELEGATION_NOT_FOUND: { status: 404, title: 'Delegation not found' },
  DELEGATOR_NOT_FOUND: { status: 404, title: 'User not found' },
  DELEGATE_NOT_ELIGIBLE: { status: 422, title: 'The delegate may not decide approvals' },
  DELEGATION_RANGE_INVALID: { status: 422, title: 'The date range of the delegation is invalid' },
  DELEGATION_OVERLAP: { status: 409, title: 'Another delegation of the same person covers these days' },
  DELEGATION_CYCLE: { status: 409, title: 'The delegate delegates to the delegator over these days' },
});
