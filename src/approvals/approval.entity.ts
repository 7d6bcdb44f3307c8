import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SubjectType } from './approval-subject';

/**
 * `waiting`: a later step of the chain; `pending`: the step that can be decided now;
 * `approved` / `rejected`: decided; `cancelled`: the chain ended without it (a rejection
 * earlier in the chain, the subject withdrawn, recalled or resubmitted).
 */
export type ApprovalStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';

/** One step of a subject's approval chain (a spend, an expense report, an advance), assigned to a user or to a role. */
@Entity('approvals')
export class Approval {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') subjectType: SubjectType;
  @Column('uuid') subjectId: string;
  /**
   * Set for spend subjects only (equal to subjectId), where it carries the foreign key to spends.
   * An advance's steps carry advance_id the same way, written by the insert from the subject.
   */
  @Column('uuid', { nullable: true }) spendId: string | null;
  /** Kept here so that self-approval is refused without asking the subject's module. */
  @Column('uuid') subjectOwnerId: string;
  /** Each submission of a subject starts a new round; earlier rounds stay as history. */
  @Column('integer') round: number;
  @Column('integer') step: number;
  /** The rule's approver as written: manager, finance, admin, team_lead or user:<uuid>. */
  @Column('text') requirement: string;
  @Column('uuid', { nullable: true }) approverUserId: string | null;
  @Column('text', { nullable: true }) approverRole: 'finance' | 'admin' | null;
  @Column('text') status: ApprovalStatus;
  /** How the requirement was resolved, e.g. a fallback to finance. */
  @Column('text', { nullable: true }) note: string | null;
  @Column('uuid', { nullable: true }) policyId: string | null;
  @Column('text', { nullable: true }) ruleId: string | null;
  @Column('uuid', { nullable: true }) decidedBy: string | null;
  /** Set when a delegate decided: the approver named on the step, for whom they decided. */
  @Column('uuid', { nullable: true }) decidedOnBehalfOf: string | null;
  @Column('timestamptz', { nullable: true }) decidedAt: Date | null;
  @Column('text', { nullable: true }) comment: string | null;
  /**
   * When the step became the one to decide (set with `pending`); an escalation or reassignment
   * keeps it, so the auto-reject counts from the first moment (docs/approvals-sla.md).
   */
  @Column('timestamptz', { nullable: true }) pendingSince: Date | null;
  /** Set once, by the sweep that reminded its approver; likewise when it was escalated. */
  @Column('timestamptz', { nullable: true }) remindedAt: Date | null;
  @Column('timestamptz', { nullable: true }) escalatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
