import type { ApprovalResponseDto } from '../approvals/dto/approval.dto';
import { formatAmount, formatRate, parseRate } from '../common/money/money';
import type { Advance } from './advance';
import type { AdvanceResponseDto } from './dto/advance.dto';

export function toAdvanceResponse(advance: Advance, approvals: ApprovalResponseDto[]): AdvanceResponseDto {
  return {
    id: advance.id,
    organization_id: advance.organizationId,
    user_id: advance.userId,
    amount: formatAmount(BigInt(advance.amountMinor), advance.currency),
    currency: advance.currency,
    base_amount: formatAmount(BigInt(advance.baseAmountMinor), advance.baseCurrency),
    base_currency: advance.baseCurrency,
    exchange_rate: formatRate(parseRate(advance.exchangeRate)),
    purpose: advance.purpose,
    needed_by: advance.neededBy,
    status: advance.status,
    policy_evaluation: advance.policyEvaluation,
    approvals,
    decided_at: advance.decidedAt?.toISOString() ?? null,
    paid_at: advance.paidAt?.toISOString() ?? null,
    paid_by: advance.paidBy,
    paid_reference: advance.paidReference,
    expense_report_id: advance.expenseReportId,
    created_at: advance.createdAt.toISOString(),
    updated_at: advance.updatedAt.toISOString(),
  };
}
