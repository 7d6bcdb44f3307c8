import { ApprovalResponseDto } from '../approvals/dto/approval.dto';
import { formatAmount } from '../common/money/money';
import type { Spend } from '../spends/spend.entity';
import { ExpenseReportLineDto, ExpenseReportResponseDto } from './dto/expense-report-response.dto';
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
