import { Spend, SpendComputation, StoredEvaluation } from './spend.entity';

/** A spends row as the repository's statements read it (SPEND_COLUMNS). */
export interface SpendRow {
  id: string;
  organization_id: string;
  user_id: string;
  team_id: string | null;
  category_id: string | null;
  vendor_id: string | null;
  merchant: string | null;
  description: string | null;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  exchange_rate: string;
  spend_date: string;
  source: Spend['source'];
  status: Spend['status'];
  policy_evaluation: StoredEvaluation | null;
  computation: SpendComputation | null;
  system_flags: string[];
  flags: string[];
  receipt_count: number;
  receipt_verified: boolean;
  approval_round: number;
  submitted_at: Date | null;
  decided_at: Date | null;
  paid_at: Date | null;
  paid_by: string | null;
  payment_reference: string | null;
  expense_report_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The row as the domain's Spend: a pure mapping, no query. */
export function toSpend(row: SpendRow): Spend {
  return Object.assign(new Spend(), {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    teamId: row.team_id,
    categoryId: row.category_id,
    vendorId: row.vendor_id,
    merchant: row.merchant,
    description: row.description,
    amountMinor: row.amount_minor,
    currency: row.currency,
    baseAmountMinor: row.base_amount_minor,
    baseCurrency: row.base_currency,
    exchangeRate: row.exchange_rate,
    spendDate: row.spend_date,
    source: row.source,
    status: row.status,
    policyEvaluation: row.policy_evaluation,
    computation: row.computation,
    systemFlags: row.system_flags,
    flags: row.flags,
    receiptCount: row.receipt_count,
    receiptVerified: row.receipt_verified,
    approvalRound: row.approval_round,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    paidAt: row.paid_at,
    paidBy: row.paid_by,
    paymentReference: row.payment_reference,
    expenseReportId: row.expense_report_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
