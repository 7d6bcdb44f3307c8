import type { BudgetPeriod } from './budget-period';

export const BUDGET_SCOPES = ['organization', 'team', 'category', 'user'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** The statuses that consume a budget: pending ones only when `countsPending`. */
export const COUNTED_STATUSES = ['pending_approval', 'approved', 'paid'] as const;

/** A budget as stored. `amountMinor` is in minor units of `currency`, the base currency when it was made. */
export interface Budget {
  id: string;
  organizationId: string;
  name: string;
  scope: BudgetScope;
  /** The team, category or user of the scope; null for the organization. */
  scopeId: string | null;
  period: BudgetPeriod;
  /** A custom budget's range; null for recurring periods. */
  startsOn: string | null;
  endsOn: string | null;
  amountMinor: bigint;
  currency: string;
  countsPending: boolean;
  rollover: boolean;
  createdBy: string;
  /** The UTC day it was created: its first period is the one containing it (nothing rolls into that). */
  createdOn: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What one budget's spends add up to, in minor units: approved and paid, pending, and the rollover source's counted spends. */
export interface ConsumptionRow {
  spentMinor: bigint;
  committedMinor: bigint;
  /** Null when nothing rolls into the period. */
  previousMinor: bigint | null;
}
