import type { Advance } from '../advances/advance';
import { ApprovalResponseDto } from '../approvals/dto/approval.dto';
import { formatAmount } from '../common/money/money';
import type { Spend } from '../spends/spend.entity';
import {
  BalanceDirection,
  ExpenseReportLineDto,
  ExpenseReportResponseDto,
  ReportAdvanceDto,
} from './dto/expense-report-response.dto';
import { ExpenseReport } from './expense-report.entity';

/** Sums of a report's lines in the base currency (each spend keeps its base amount: never converted again). */
export interface ReportTotals {
  totalMinor: bigint;
  approvedMinor: bigint;
  rejectedMinor: bigint;
  baseCurrency: string;
}

export function totalsOf(lines: Spend[], baseCurrency: string): ReportTotals {
  let totalMinor = 0n;
  let rejectedMinor = 0n;
  for (const line of lines) {
    totalMinor += BigInt(line.baseAmountMinor);
    if (line.status === 'rejected') rejectedMinor += BigInt(line.baseAmountMinor);
  }
  return { totalMinor, approvedMinor: totalMinor - rejectedMinor, rejectedMinor, baseCurrency };
}

/** What a report's cash advances take off its approved total, in minor units of the base currency. */
export interface AdvanceOffset {
  /** Paid linked advances: money the employee already holds. */
  advancesTotalMinor: bigint;
  /** Approved linked advances not yet paid: shown, not offset (the employee does not hold them yet). */
  advancesPendingMinor: bigint;
  balanceMinor: bigint;
  direction: BalanceDirection;
}

/**
 * The offset of the advances linked to a report with the given approved total. Each advance
 * counts with the base amount it was converted to on its request day, never converted again.
 */
export function offsetOf(approvedMinor: bigint, advances: Advance[]): AdvanceOffset {
  let advancesTotalMinor = 0n;
  let advancesPendingMinor = 0n;
  for (const advance of advances) {
    if (advance.status === 'paid') advancesTotalMinor += BigInt(advance.baseAmountMinor);
    else if (advance.status === 'approved') advancesPendingMinor += BigInt(advance.baseAmountMinor);
  }
  const balanceMinor = approvedMinor - advancesTotalMinor;
  const direction = balanceMinor > 0n ? 'reimburse' : balanceMinor < 0n ? 'owed_back' : 'settled';
  return { advancesTotalMinor, advancesPendingMinor, balanceMinor, direction };
}

/** The balance fields of a report's answer, as decimal strings in the base currency. */
export function balanceFields(approvedMinor: bigint, advances: Advance[], baseCurrency: string) {
  const offset = offsetOf(approvedMinor, advances);
  return {
    advances: advances.map(toReportAdvance),
    advances_total: formatAmount(offset.advancesTotalMinor, baseCurrency),
    advances_pending: formatAmount(offset.advancesPendingMinor, baseCurrency),
    balance: formatAmount(offset.balanceMinor, baseCurrency),
    balance_direction: offset.direction,
  };
}

export function toReportAdvance(advance: Advance): ReportAdvanceDto {
  return {
    id: advance.id,
    amount: formatAmount(BigInt(advance.amountMinor), advance.currency),
    currency: advance.currency,
    base_amount: formatAmount(BigInt(advance.baseAmountMinor), advance.baseCurrency),
    status: advance.status,
    paid_at: advance.paidAt?.toISOString() ?? null,
  };
}

export function toLine(spend: Spend): ExpenseReportLineDto {
  return {
    spend_id: spend.id,
    spend_date: spend.spendDate,
    merchant: spend.merchant,
    description: spend.description,
    amount: formatAmount(BigInt(spend.amountMinor), spend.currency),
    currency: spend.currency,
    base_amount: formatAmount(BigInt(spend.baseAmountMinor), spend.baseCurrency),
    base_currency: spend.baseCurrency,
    status: spend.status,
    flags: spend.flags,
    receipt_count: spend.receiptCount,
  };
}

export function toReportResponse(
  report: ExpenseReport,
  lines: Spend[],
  approvals: ApprovalResponseDto[],
  baseCurrency: string,
  advances: Advance[],
): ExpenseReportResponseDto {
  const totals = totalsOf(lines, baseCurrency);
  return {
    id: report.id,
    organization_id: report.organizationId,
    user_id: report.userId,
    title: report.title,
    purpose: report.purpose,
    starts_on: report.startsOn,
    ends_on: report.endsOn,
    trip: report.trip,
    status: report.status,
    approval_round: report.approvalRound,
    total: formatAmount(totals.totalMinor, baseCurrency),
    approved_total: formatAmount(totals.approvedMinor, baseCurrency),
    base_currency: baseCurrency,
    spend_count: lines.length,
    lines: lines.map(toLine),
    ...balanceFields(totals.approvedMinor, advances, baseCurrency),
    policy_evaluation: report.policyEvaluation,
    approvals,
    submitted_at: report.submittedAt?.toISOString() ?? null,
    decided_at: report.decidedAt?.toISOString() ?? null,
    paid_at: report.paidAt?.toISOString() ?? null,
    payment_reference: report.paymentReference,
    created_at: report.createdAt.toISOString(),
    updated_at: report.updatedAt.toISOString(),
  };
}
