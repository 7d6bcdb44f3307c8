import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MatchedRule } from '../policies/engine/evaluate';

/**
 * `draft`: the owner adds and removes lines; `submitted`: its approval chain is open (it can be
 * recalled); `approved`, `partly_approved` (some lines rejected, the rest approved), `rejected`:
 * decided; `paid`: paid by a payout.
 */
export const EXPENSE_REPORT_STATUSES = [
  'draft',
  'submitted',
  'approved',
  'partly_approved',
  'rejected',
  'paid',
] as const;
export type ExpenseReportStatus = (typeof EXPENSE_REPORT_STATUSES)[number];
/** Not decided: what the report comes to may still change (once decided it is the record finance pays out). */
export const UNDECIDED_REPORT_STATUSES: readonly ExpenseReportStatus[] = ['draft', 'rejected', 'submitted'];

/** What the policies said of the report as a whole at its last submission. */
export interface ReportEvaluation {
  decision: 'approved' | 'pending_approval';
  /** Every rule that matched on some line, once, with the first line it matched on. */
  matched_rules: Array<MatchedRule & { spend_id: string }>;
  flags: string[];
  approvers: Array<{
    step: number;
    requirement: string;
    user_id: string | null;
    role: string | null;
    note: string | null;
  }>;
  report_total: string;
  report_days: number;
  report_spend_count: number;
  evaluated_at: string;
}

/** A line an approver rejected in the open round, by spend id: who, when and why. */
export type LineRejections = Record<
  string,
  { comment: string; rejected_by: string; rejected_at: string; round: number }
>;

/** A trip or other grouping of one owner's spends, approved as a whole. */
@Entity('expense_reports')
export class ExpenseReport {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') userId: string;
  @Column('text') title: string;
  @Column('text', { nullable: true }) purpose: string | null;
  @Column('date') startsOn: string;
  @Column('date') endsOn: string;
  /** The trip's destination, free text. */
  @Column('text', { nullable: true }) trip: string | null;
  @Column('text') status: ExpenseReportStatus;
  @Column('integer', { default: 0 }) approvalRound: number;
  @Column('jsonb', { nullable: true }) policyEvaluation: ReportEvaluation | null;
  @Column('jsonb', { default: () => "'{}'" }) lineRejections: LineRejections;
  @Column('timestamptz', { nullable: true }) submittedAt: Date | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  @Column('timestamptz', { nullable: true }) paidAt: Date | null;
  @Column('uuid', { nullable: true }) paidBy: string | null;
  @Column('text', { nullable: true }) paymentReference: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
