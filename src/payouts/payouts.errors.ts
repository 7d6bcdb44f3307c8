import { defineErrors } from '../common/errors/domain-error';

export const PayoutErrors = defineErrors({
  BANK_ACCOUNT_NOT_FOUND: { status: 404, title: 'No bank account on file' },
  PAYEE_NOT_FOUND: { status: 404, title: 'User not found' },
});
