import { ApprovalResponseDto } from '../approvals/dto/approval.dto';
import { formatAmount, formatRate, parseRate } from '../common/money/money';
import { SpendResponseDto } from './dto/spend-response.dto';
import { Spend } from './spend.entity';

export function toSpendResponse(
  spend: Spend,
  approvals: ApprovalResponseDto[],
  receipts: object[] = [],
): SpendResponseDto {
  return {
    id: spend.id,
    user_id: spend.userId,
    organization_id: spend.organizationId,
    team_id: spend.teamId,
    category_id: spend.categoryId,
    vendor_id: spend.vendorId,
    merchant: spend.merchant,
    description: spend.description,
    amount: formatAmount(BigInt(spend.amountMinor), spend.currency),
    currency: spend.currency,
    base_amount: formatAmount(BigInt(spend.baseAmountMinor), spend.baseCurrency),
    base_currency: spend.baseCurrency,
    exchange_rate: formatRate(parseRate(spend.exchangeRate)),
    spend_date: spend.spendDate,
    source: spend.source,
    status: spend.status,
    policy_evaluation: spend.policyEvaluation,
    computation: spend.computation,
    receipts,
    approvals,
    flags: spend.flags,
    submitted_at: spend.submittedAt?.toISOString() ?? null,
    decided_at: spend.decidedAt?.toISOString() ?? null,
    paid_at: spend.paidAt?.toISOString() ?? null,
    payment_reference: spend.paymentReference,
    expense_report_id: spend.expenseReportId ?? null,
    created_at: spend.createdAt.toISOString(),
    updated_at: spend.updatedAt.toISOString(),
  };
}
