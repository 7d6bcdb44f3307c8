import { defineErrors } from '../common/errors/domain-error';

export const PayoutErrors = defineErrors({
  BANK_ACCOUNT_NOT_FOUND: { status: 404, title: 'No bank account on file' },
  PAYEE_NOT_FOUND: { status: 404, title: 'User not found' },
  PAYOUT_BATCH_NOT_FOUND: { status: 404, title: 'Payout batch not found' },
  PAYOUT_BATCH_NOT_EXPORTABLE: { status: 409, title: 'Only an open or exported batch has a file' },
  PAYOUT_BATCH_NOT_PAYABLE: { status: 409, title: 'Only an exported batch can be marked paid' },
  PAYOUT_BATCH_NOT_CANCELLABLE: { status: 409, title: 'A paid or cancelled batch cannot be cancelled' },
  PAYOUT_BATCH_EXPORTED: {
    status: 409,
    title: 'An exported batch is cancelled only when its file never reached the bank',
  },
  PAYOUT_SETTINGS_MISSING: { status: 409, title: "The organization's payout settings for this rail are missing" },
  PAYOUT_CURRENCY_UNSUPPORTED: { status: 422, title: 'Payouts are made in EUR (SEPA) or USD (NACHA)' },
  PAYOUT_MIXED_CURRENCIES: { status: 422, title: 'A payout batch holds one currency' },
  PAYEE_BANK_DETAILS_MISSING: { status: 422, title: 'Payees without bank details for this rail' },
  NOTHING_TO_PAY: { status: 422, title: 'No payable item matches' },
  PAYOUT_AMOUNT_OUT_OF_RANGE: { status: 422, title: 'An amount the payout file cannot carry' },
  PAYOUT_LINE_NOT_IN_BATCH: { status: 422, title: 'Line not in this batch' },
});
