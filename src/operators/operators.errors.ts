import { defineErrors } from '../common/errors/domain-error';

export const OperatorErrors = defineErrors({
  // An organization's credential on an /operator route: it is valid, it just does not open these.
  OPERATOR_ONLY: { status: 403, title: "For the installation's operator only" },
  OPERATOR_NOT_FOUND: { status: 404, title: 'Operator not found' },
  OPERATOR_EXISTS: { status: 409, title: 'Operator exists' },
  ORGANIZATION_EXISTS: { status: 409, title: 'Organization exists' },
});
