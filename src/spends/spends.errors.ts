import { defineErrors } from '../common/errors/domain-error';

export const SpendErrors = defineErrors({
  SPEND_NOT_FOUND: { status: 404, title: 'Spend not found' },
  SPEND_NOT_EDITABLE: { status: 409, title: 'Spend cannot be edited in its status' },
  SPEND_NOT_SUBMITTABLE: { status: 409, title: 'Spend cannot be submitted in its status' },
  SPEND_NOT_CANCELLABLE: { status: 409, title: 'Spend cannot be cancelled in its status' },
  SPEND_NOT_PAYABLE: { status: 409, title: 'Only approved spends can be paid' },
  SPEND_IN_PAYOUT_BATCH: { status: 409, title: 'Spend is in an open payout batch' },
  NOT_SPEND_OWNER: { status: 403, title: "Only the spend's owner may do this" },
  SELF_PAYMENT_FORBIDDEN: { status: 403, title: 'Nobody marks their own spend paid' },
  INVALID_REFERENCE: { status: 422, title: 'Referenced record not found' },
  INVALID_AMOUNT: { status: 422, title: 'Invalid amount' },
  AMOUNT_IS_COMPUTED: { status: 422, title: 'The amount of a computed spend cannot be typed' },
  NO_MILEAGE_RATE: { status: 422, title: 'No mileage rate in force on the spend date' },
  NO_PER_DIEM_RATE: { status: 422, title: 'No per diem rate in force on a day of the trip' },
  PER_DIEM_TRIP_OVERLAP: { status: 409, title: 'Another per diem trip of the same person covers one of these days' },
  PER_DIEM_CURRENCY_MIXED: { status: 422, title: 'The per diem rates over the trip are in different currencies' },
  SPEND_IN_EXPENSE_REPORT: { status: 409, title: 'Spend is a line of an expense report' },
  SPEND_CLOSED: { status: 409, title: 'Spend takes no more receipts' },
  BACKTEST_PERIOD_INVALID: { status: 422, title: 'The backtest period is not a range of at most 366 days' },
  BACKTEST_DRAFT_INVALID: { status: 422, title: 'A backtest takes either a draft policy or a policy_id with rules' },
});
