import type { Evaluation } from '../policies/engine/evaluate';

/**
 * `requested`: its approval chain is open; `approved`: to be paid out; `rejected` by an approver;
 * `cancelled` by its owner while requested; `paid` by finance, exactly once.
 */
export const ADVANCE_STATUSES = ['requested', 'approved', 'rejected', 'cancelled', 'paid'] as const;
export type AdvanceStatus = (typeof ADVANCE_STATUSES)[number];

/** What the policies decided when the advance was requested, kept with it. */
export interface AdvanceEvaluation {
  decision: Evaluation['decision'];
  matched_rules: Evaluation['matched_rules'];
  policies: Array<{ policy_id: string; version: number }>;
  approvers: Array<{
    step: number;
    requirement: string;
    user_id: string | null;
    role: string | null;
    note: string | null;
  }>;
  evaluated_at: string;
}

/** A cash advance as stored (amounts in minor units, as text: bigint columns). */
export interface Advance {
  id: string;
  organizationId: string;
  userId: string;
  amountMinor: string;
  currency: string;
  baseAmountMinor: string;
  baseCurrency: string;
  exchangeRate: string;
  purpose: string;
  neededBy: string | null;
  status: AdvanceStatus;
  policyEvaluation: AdvanceEvaluation;
  approvalRound: number;
  decidedAt: Date | null;
  paidAt: Date | null;
  paidBy: string | null;
  paidReference: string | null;
  /** The owner's expense report this advance offsets once paid; null when linked to none. */
  expenseReportId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
