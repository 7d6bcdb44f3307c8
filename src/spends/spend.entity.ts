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
export const SPEND_SOURCES = ['manual', 'ocr', 'import', 'card', 'mileage'] as const;
export type SpendSource = (typeof SPEND_SOURCES)[number];

/**
 * What a computed (mileage) spend was priced from, kept with it: the rate may be deleted or
 * replaced later without changing the spend. `distance_km` is what the policies test.
 */
export interface SpendComputation {
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
