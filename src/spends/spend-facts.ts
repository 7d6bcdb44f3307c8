import { daysBetween, weekdayOf } from '../common/dates';
import { toMajorNumber } from '../common/money/money';
import type { SpendFacts } from '../policies/engine/evaluate';
import type { Spend } from './spend.entity';

/** What the facts of a spend are made of: its own columns, plus its owner's role and its category's name. */
export type SpendFactSource = Pick<
  Spend,
  | 'baseAmountMinor'
  | 'baseCurrency'
  | 'currency'
  | 'categoryId'
  | 'vendorId'
  | 'teamId'
  | 'userId'
  | 'merchant'
  | 'description'
  | 'source'
  | 'computation'
  | 'receiptCount'
  | 'receiptVerified'
  | 'spendDate'
  | 'systemFlags'
> & {
  /** The owner's role; null when the owner is no longer found (reads as an employee). */
  ownerRole: string | null;
  /** The category's name when the category is active, null otherwise. */
  categoryName: string | null;
};

/**
 * The facts the engine judges a spend on. Pure: live evaluation and the backtest both map
 * through it, so a backtest sees exactly what a submission would. `asOf` is the date
 * `days_since_spend` counts to (today for a live spend, the submission date in a backtest).
 */
export function spendFacts(spend: SpendFactSource, asOf: string): SpendFacts {
  return {
    amount: toMajorNumber(BigInt(spend.baseAmountMinor), spend.baseCurrency),
    currency: spend.currency,
    category: spend.categoryName,
    category_id: spend.categoryId,
    vendor_id: spend.vendorId,
    team_id: spend.teamId,
    user_id: spend.userId,
    merchant: spend.merchant,
    description: spend.description,
    user_role: spend.ownerRole ?? 'employee',
    source: spend.source,
    // A computed spend's evidence is the rate table: it never waits for a receipt.
    has_receipt: spend.receiptCount > 0 || Boolean(spend.computation),
    receipt_verified: spend.receiptVerified,
    weekday: weekdayOf(spend.spendDate),
    days_since_spend: daysBetween(spend.spendDate, asOf),
    distance: spend.computation?.kind === 'mileage' ? spend.computation.distance_km : 0,
    per_diem_days: spend.computation?.kind === 'per_diem' ? spend.computation.day_count : 0,
    flags: spend.systemFlags,
  };
}
