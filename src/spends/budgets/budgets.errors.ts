import { defineErrors } from '../../common/errors/domain-error';

export const BudgetErrors = defineErrors({
  BUDGET_NOT_FOUND: { status: 404, title: 'Budget not found' },
  BUDGET_SCOPE_INVALID: {
    status: 422,
    title: "The budget's scope does not name a team, category or user of the organization",
  },
  BUDGET_PERIOD_INVALID: { status: 422, title: "The budget's period is invalid" },
  BUDGET_AMOUNT_INVALID: { status: 422, title: "The budget's amount is not an amount of the base currency" },
  BUDGET_COUNTS_INVALID: {
    status: 422,
    title: 'A budget counts pending, approved and paid spends, or approved and paid only',
  },
});
