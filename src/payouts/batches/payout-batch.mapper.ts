import { formatAmount } from '../../common/money/money';
import type {
  PayableItemResponseDto,
  PayoutBatchDetailResponseDto,
  PayoutBatchResponseDto,
  PayoutLineResponseDto,
} from '../dto/payout-batch.dto';
import type { PayableItem } from '../payables/payable-source';
import type { StoredBatch, StoredLine } from './payout-batches.repository';

export const toBatchResponse = (b: StoredBatch): PayoutBatchResponseDto => ({
  id: b.id,
  status: b.status,
  rail: b.rail,
  currency: b.currency,
  line_count: b.lineCount,
  total: formatAmount(b.totalMinor, b.currency),
  base_currency: b.baseCurrency,
  base_total: b.baseTotalMinor !== null && b.baseCurrency ? formatAmount(b.baseTotalMinor, b.baseCurrency) : null,
  paid_total: b.paidTotalMinor !== null ? formatAmount(b.paidTotalMinor, b.currency) : null,
  execution_date: b.executionDate,
  reference: b.reference,
  created_by: b.createdBy,
  created_at: b.createdAt.toISOString(),
  exported_at: b.exportedAt?.toISOString() ?? null,
  paid_at: b.paidAt?.toISOString() ?? null,
  cancelled_at: b.cancelledAt?.toISOString() ?? null,
});

export const toLineResponse = (l: StoredLine): PayoutLineResponseDto => ({
  id: l.id,
  position: l.position,
  item_type: l.itemType,
  item_id: l.itemId,
  payee_user_id: l.payeeUserId,
  amount: formatAmount(l.amountMinor, l.currency),
  currency: l.currency,
  item_date: l.itemDate,
  description: l.description,
  status: l.status,
  failure_reason: l.failureReason,
});

export const toBatchDetail = (b: StoredBatch, lines: StoredLine[]): PayoutBatchDetailResponseDto => ({
  ...toBatchResponse(b),
  lines: lines.map(toLineResponse),
});

export const toPayableResponse = (item: PayableItem, bankAccount: string | null): PayableItemResponseDto => ({
  item_type: item.type,
  item_id: item.id,
  payee_user_id: item.payeeUserId,
  payee_bank_account: bankAccount,
  amount: formatAmount(item.amountMinor, item.currency),
  currency: item.currency,
  base_amount: formatAmount(item.baseAmountMinor, item.baseCurrency),
  base_currency: item.baseCurrency,
  date: item.date,
  description: item.description,
});
