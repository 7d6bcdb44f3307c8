import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MatchedRule } from '../policies/engine/evaluate';

export const SPEND_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'paid',
  'rejected',
  'blocked',
  'cancelled',
] as const;
export type SpendStatus = (typeof SPEND_STATUSES)[number];
export const SPEND_SOURCES = ['manual', 'ocr', 'import', 'card', 'mileage', 'per_diem'] as const;
export type SpendSource = (typeof SPEND_SOURCES)[number];

/** Sources whose amount is computed from a rate table, never typed by hand. */
export const COMPUTED_SOURCES = ['mileage', 'per_diem'] as const;
export type ComputedSource = (typeof COMPUTED_SOURCES)[number];

export function isComputedSource(source: string | undefined): source is ComputedSource {
  return (COMPUTED_SOURCES as readonly string[]).includes(source ?? '');
}

/**
 * What a computed spend was priced from, kept with it: the rate may be deleted or end-dated
 * later without changing the spend. `kind` is the spend's source.
 */
export type SpendComputation = MileageComputation | PerDiemComputation;

/** A mileage spend's breakdown. `distance_km` is what the policy field `distance` tests. */
export interface MileageComputation {
  kind: 'mileage';
  vehicle_type: string;
  distance: number;
  unit: 'km' | 'mi';
  distance_km: number;
  rate_id: string;
  rate_milli_minor: number;
  rate_valid_from: string;
  currency: string;
  amount_minor: string;
}

/** One day of a per diem trip, priced from the rate in force that day. */
export interface PerDiemDay {
  date: string;
  day_type: 'full' | 'partial';
  rate_id: string;
  /** The rate's city, null for the country's rate. */
  rate_city: string | null;
  base_minor: number;
  meals_provided: Array<'breakfast' | 'lunch' | 'dinner'>;
  deduction_minor: number;
  amount_minor: number;
}

/** A per diem spend's breakdown. `day_count` is what the policy field `per_diem_days` tests. */
export interface PerDiemComputation {
  kind: 'per_diem';
  country: string;
  city: string | null;
  start_date: string;
  end_date: string;
  day_count: number;
  full_days: number;
  partial_days: number;
  days: PerDiemDay[];
  currency: string;
  deduction_minor: string;
  amount_minor: string;
}

/** The id a policy simulation gives the spend it prices and judges but never stores. */
export const SIMULATED_SPEND_ID = '00000000-0000-0000-0000-000000000000';

/** What the policies said at the last submission; stored with the spend, never recomputed. */
export interface StoredEvaluation {
  decision: 'approved' | 'pending_approval' | 'blocked';
  matched_rules: MatchedRule[];
  flags: string[];
  awaiting_receipt: boolean;
  block_message: string | null;
  /** Every active policy version that took part, matched or not. */
  policies: Array<{ policy_id: string; version: number }>;
  approvers: Array<{
    step: number;
    requirement: string;
    user_id: string | null;
    role: string | null;
    note: string | null;
  }>;
  evaluated_at: string;
}

@Entity('spends')
export class Spend {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') userId: string;
  @Column('uuid', { nullable: true }) teamId: string | null;
  @Column('uuid', { nullable: true }) categoryId: string | null;
  @Column('uuid', { nullable: true }) vendorId: string | null;
  @Column('text', { nullable: true }) merchant: string | null;
  @Column('text', { nullable: true }) description: string | null;
  /** Integer minor units; bigint comes back from pg as a string. */
  @Column('bigint') amountMinor: string;
  @Column('char', { length: 3 }) currency: string;
  @Column('bigint') baseAmountMinor: string;
  @Column('char', { length: 3 }) baseCurrency: string;
  @Column('numeric', { precision: 24, scale: 12 }) exchangeRate: string;
  @Column('date') spendDate: string;
  @Column('text') source: SpendSource;
  @Column('text') status: SpendStatus;
  @Column('jsonb', { nullable: true }) policyEvaluation: StoredEvaluation | null;
  @Column('jsonb', { nullable: true }) computation: SpendComputation | null;
  @Column('text', { array: true, default: () => "'{}'" }) systemFlags: string[];
  @Column('text', { array: true, default: () => "'{}'" }) flags: string[];
  @Column('integer', { default: 0 }) receiptCount: number;
  @Column('boolean', { default: false }) receiptVerified: boolean;
  @Column('integer', { default: 0 }) approvalRound: number;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  @Column('timestamptz', { nullable: true }) paidAt: Date | null;
  @Column('uuid', { nullable: true }) paidBy: string | null;
  @Column('text', { nullable: true }) paymentReference: string | null;
  /**
   * The expense report the spend is a line of (at most one), owned by the expense-reports module:
   * while set, the spend is submitted, decided and paid with its report, never on its own.
   */
  @Column('uuid', { nullable: true }) expenseReportId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
