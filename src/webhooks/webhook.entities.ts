import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OutboxTopic } from '../common/outbox/outbox.service';

/** The events an organization can subscribe to: outbox topics published beyond Spendin. */
export const WEBHOOK_EVENT_TYPES = [
  'spend.submitted',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'spend.cancelled',
  'advance.requested',
  'advance.approved',
  'advance.rejected',
  'advance.paid',
  'advance.cancelled',
  'approval.assigned',
  'receipt.processed',
  'payout.paid',
  'expense_report.submitted',
  'expense_report.approved',
  'expense_report.rejected',
  'expense_report.paid',
] as const satisfies readonly OutboxTopic[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * `pending`: waiting for its next attempt (`next_attempt_at`); `delivering`: an attempt is
 * under way; `succeeded`: the receiver answered 2xx; `failed`: every attempt failed;
 * `cancelled`: the subscription was deleted or paused before it went.
 */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An organization's subscription: where to send which events, and the secret that signs them. */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') url: string;
  @Column('text', { array: true }) events: WebhookEventType[];
  /**
   * The signing secret in plain text: only in rows written before secrets were sealed (or by a
   * process of that version), until a process with the key seals it (secrets-at-rest.ts).
   */
  @Column('text', { nullable: true }) secret: string | null;
  /** The signing secret sealed with SECRETS_KEY, for the context `subscriptionSecretContext(id)`. */
  @Column('text', { nullable: true }) secretCiphertext: string | null;
  /** The secret's last four characters, to tell secrets apart; null only in a row not sealed yet. */
  @Column('text', { nullable: true }) secretHint: string | null;
  @Column('text', { nullable: true }) description: string | null;
  @Column('boolean', { default: true }) isActive: boolean;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deletedAt: Date | null;
}

/** One subscription's copy of one event, with its attempts. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') subscriptionId: string;
  @Column('uuid') eventId: string;
  @Column('text', { default: 'pending' }) status: DeliveryStatus;
  @Column('integer', { default: 0 }) attempts: number;
  @Column('timestamptz', { nullable: true }) nextAttemptAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastAttemptAt: Date | null;
  @Column('integer', { nullable: true }) responseStatus: number | null;
  @Column('text', { nullable: true }) responseBody: string | null;
  @Column('text', { nullable: true }) error: string | null;
  @Column('integer', { nullable: true }) durationMs: number | null;
  @Column('timestamptz', { nullable: true }) deliveredAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
