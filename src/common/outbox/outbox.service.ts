import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';

/** Topics of side effects that leave the process; consumers turn them into jobs. */
export type OutboxTopic =
  | 'spend.submitted'
  | 'spend.approved'
  | 'spend.rejected'
  | 'spend.blocked'
  | 'spend.paid'
  | 'spend.cancelled'
  | 'approval.assigned'
  /** A receipt waits for OCR (upload, reprocess); payload `{receipt_id, run}`. */
  | 'receipt.ocr_requested'
  /** OCR finished, done or failed. */
  | 'receipt.processed'
  /** An in-app notification to send by e-mail too (SMTP_URL set, recipient opted in); payload `{notification_id}`. */
  | 'notification.email'
  /** One attempt at delivering a webhook event to a subscriber; payload `{delivery_id, attempt}`. */
  | 'webhook.delivery';

/**
 * Records a side effect (a notification, a webhook) in the transaction of the change that
 * causes it. A job is only ever made from a committed row, so a crash or a queue outage
 * between commit and delivery loses nothing: the row waits until it is dispatched.
 *
 * Events about a spend (every payload naming a `spend_id`) are numbered per spend: the
 * payload gets `sequence`, 1, 2, 3… in the order the changes committed, so that whoever
 * receives them later, in whatever order, can put them back in order. The number is taken
 * with an upsert on the spend's `event_sequences` row, whose lock a second transaction on
 * the same spend waits for until the first commits.
 */
@Injectable()
export class OutboxService {
  /** `delaySeconds`: not to be dispatched before then (a retry on a schedule of its own). */
  async enqueue(tx: EntityManager, organizationId: string, topic: OutboxTopic, payload: Record<string, unknown>, options: { delaySeconds?: number } = {}): Promise<void> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.enqueue must run inside the transaction of the change it announces');
    }
    const delay = options.delaySeconds ?? 0;
    const spendId = payload.spend_id;
    if (typeof spendId === 'string' && isUUID(spendId)) {
      await tx.query(
        `WITH next AS (
           INSERT INTO event_sequences AS s (subject_id, organization_id, last_sequence) VALUES ($4, $1, 1)
           ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + 1
           RETURNING last_sequence)
         INSERT INTO outbox (organization_id, topic, payload, available_at)
         SELECT $1, $2, $3::jsonb || jsonb_build_object('sequence', last_sequence), now() + make_interval(secs => $5) FROM next`,
        [organizationId, topic, JSON.stringify(payload), spendId, delay],
      );
      return;
    }
    await tx.query(
      `INSERT INTO outbox (organization_id, topic, payload, available_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [organizationId, topic, JSON.stringify(payload), delay],
    );
  }
}
