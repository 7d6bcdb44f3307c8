import { formatAmount } from '../../common/money/money';
import type { Advance } from '../advance';

/** The facts every outbox event about an advance carries: the advance after the change. */
export function advanceEvent(advance: Advance) {
  return {
    advance_id: advance.id,
    user_id: advance.userId,
    status: advance.status,
    amount: formatAmount(BigInt(advance.amountMinor), advance.currency),
    currency: advance.currency,
  };
}
