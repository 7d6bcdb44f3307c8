import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/roles';

/**
 * What a payout batch can pay: spends (not lines of an expense report) and expense reports, each
 * with a source of its own. The batch line table names an item by `item_type` and `item_id`,
 * never by a foreign key.
 */
export const PAYABLE_ITEM_TYPES = ['spend', 'expense_report'] as const;
export type PayableItemType = (typeof PAYABLE_ITEM_TYPES)[number];

/** An approved, unpaid item, as a batch line is made from it. Amounts are integer minor units. */
export interface PayableItem {
  type: PayableItemType;
  id: string;
  /** Whom it reimburses: the user whose bank account receives it. */
  payeeUserId: string;
  amountMinor: bigint;
  currency: string;
  /** The amount in the organization's base currency, at the rate the item was converted with. */
  baseAmountMinor: bigint;
  baseCurrency: string;
  /** The item's own date (a spend's `spend_date`, a report's `ends_on`). */
  date: string;
  /** What the payee reads on their statement (merchant, description; a report's id and title), if anything. */
  description: string | null;
}

export interface PayableFilter {
  payeeUserId?: string;
  currency?: string;
  /** Inclusive bounds on the item's date, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** How the batch paid an item, recorded on it. */
export interface PayoutPayment {
  batchId: string;
  paidAt: Date;
  reference: string | null;
}

/**
 * The port a module implements so that payout batches can pay its items. Every method is
 * scoped by the actor's organization: an id of another organization is as absent as a missing
 * one. The methods that change items run in the caller's transaction (the batch's), lock the
 * items `FOR UPDATE` and refuse, by throwing their module's problem, what may not happen to
 * them (a paid item in a new batch, one already in an open batch, the actor's own item).
 */
export interface PayableSource {
  readonly type: PayableItemType;

  /** Approved, unpaid items not reserved by an open batch, oldest first. */
  listPayable(organizationId: string, filter: PayableFilter): Promise<{ total: number; items: PayableItem[] }>;

  /** Locks the items and reserves them for the batch; answers them in the order of `ids`. */
  reserve(tx: EntityManager, actor: Actor, ids: string[], batchId: string): Promise<PayableItem[]>;

  /** Marks the reserved items paid: one audit entry and one paid event per item. */
  markPaid(tx: EntityManager, actor: Actor, ids: string[], payment: PayoutPayment): Promise<void>;

  /**
   * Returns reserved items to approved, payable again: a failed transfer (`reason` given,
   * audited per item) or a cancelled batch (audited on the batch).
   */
  release(tx: EntityManager, actor: Actor, ids: string[], batchId: string, reason: string | null): Promise<void>;
}

/** The registered sources, one per item type (PayoutsModule provides them). */
export const PAYABLE_SOURCES = Symbol('PAYABLE_SOURCES');
