import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_TYPES = [
  'approval.assigned',
  'approval.delegated',
  'approval.reminded',
  'approval.escalated',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'receipt.processed',
  'receipt.failed',
  'advance.approved',
  'advance.rejected',
  'advance.paid',
  'expense_report.approved',
  'expense_report.rejected',
  'expense_report.paid',
  'report.ready',
  'report.failed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type NotificationEntityType =
  'spend' | 'approval' | 'approval_delegation' | 'receipt' | 'advance' | 'expense_report' | 'stored_report';
/**
 * `none`: no e-mail (SMTP not configured, or the recipient opted out); `pending`: queued;
 * `sent`; `skipped`: the recipient opted out or was deactivated before it went; `failed`:
 * given up after the last retry (`email_error` says why).
 */
export type EmailStatus = 'none' | 'pending' | 'sent' | 'skipped' | 'failed';

/** One message in a user's inbox, made from one event (see `sourceKey`). */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') userId: string;
  @Column('text') type: NotificationType;
  @Column('text') title: string;
  @Column('text') body: string;
  @Column('text') entityType: NotificationEntityType;
  @Column('uuid') entityId: string;
  /** The event it was made from (`outbox:<id>`); unique per recipient and type, so a repeated job makes nothing twice. */
  @Column('text') sourceKey: string;
  @Column('timestamptz', { nullable: true }) readAt: Date | null;
  @Column('text', { default: 'none' }) emailStatus: EmailStatus;
  @Column('integer', { default: 0 }) emailAttempts: number;
  @Column('text', { nullable: true }) emailError: string | null;
  @Column('timestamptz', { nullable: true }) emailedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
