/**
 * A batch moves `open → exported → paid`, or is `cancelled` before it is paid (its items
 * released). Its rail follows from its currency: SEPA for EUR, NACHA for USD.
 */
export const PAYOUT_BATCH_STATUSES = ['open', 'exported', 'paid', 'cancelled'] as const;
export type PayoutBatchStatus = (typeof PAYOUT_BATCH_STATUSES)[number];
export const PAYOUT_RAILS = ['sepa', 'nacha'] as const;
export type PayoutRail = (typeof PAYOUT_RAILS)[number];
export const PAYOUT_LINE_STATUSES = ['pending', 'paid', 'failed', 'cancelled'] as const;
export type PayoutLineStatus = (typeof PAYOUT_LINE_STATUSES)[number];

export const RAIL_OF_CURRENCY: Readonly<Record<string, PayoutRail>> = { EUR: 'sepa', USD: 'nacha' };
