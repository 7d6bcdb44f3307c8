import { defineErrors } from '../common/errors/domain-error';

export const ExpenseReportErrors = defineErrors({
  EXPENSE_REPORT_NOT_FOUND: { status: 404, title: 'Expense report not found' },
  NOT_EXPENSE_REPORT_OWNER: { status: 403, title: "Only the expense report's owner may do this" },
  EXPENSE_REPORT_NOT_EDITABLE: { status: 409, title: 'Expense report cannot be changed in its status' },
  EXPENSE_REPORT_NOT_SUBMITTABLE: { status: 409, title: 'Expense report cannot be submitted in its status' },
  EXPENSE_REPORT_NOT_RECALLABLE: { status: 409, title: 'Expense report is no longer undecided' },
  EXPENSE_REPORT_EMPTY: { status: 422, title: 'Expense report has no lines' },
  EXPENSE_REPORT_LINE_BLOCKED: { status: 422, title: 'A policy blocks a line of the expense report' },
  EXPENSE_REPORT_RECEIPT_MISSING: { status: 422, title: 'A line of the expense report needs a receipt first' },
  EXPENSE_REPORT_SPEND_NOT_FOUND: { status: 404, title: "Spend not found among the report owner's spends" },
  EXPENSE_REPORT_SPEND_NOT_ADDABLE: { status: 409, title: 'Spend cannot join an expense report in its status' },
  SPEND_IN_ANOTHER_REPORT: { status: 409, title: 'Spend is a line of another expense report' },
  EXPENSE_REPORT_LINE_NOT_FOUND: { status: 404, title: 'Spend is not a line of this expense report' },
  EXPENSE_REPORT_LINE_NOT_REJECTABLE: { status: 409, title: 'Line cannot be rejected in its status' },
  EXPENSE_REPORT_LINE_NOT_RESUBMITTABLE: { status: 409, title: 'Line cannot be resubmitted in its status' },
  EXPENSE_REPORT_NOT_PAYABLE: { status: 409, title: 'Expense report cannot be paid in its status' },
  EXPENSE_REPORT_IN_PAYOUT_BATCH: { status: 409, title: 'Expense report is in an open payout batch' },
  EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN: { status: 403, title: 'Nobody pays their own expense report' },
  EXPENSE_REPORT_INVALID_DATES: { status: 422, title: 'ends_on is before starts_on' },
});
