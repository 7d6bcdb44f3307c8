import { defineErrors } from '../common/errors/domain-error';

export const PolicyErrors = defineErrors({
  POLICY_NOT_FOUND: { status: 404, title: 'Policy not found' },
  POLICY_NAME_TAKEN: { status: 409, title: 'Policy name already in use' },
  INVALID_POLICY_RULE: { status: 422, title: 'Invalid policy rule' },
});
