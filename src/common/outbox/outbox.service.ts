import { Injectable } from '@nestjs/common';
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
  | 'notification.email';

/**
 * Records a side effect (a notification, a webhook) in the transaction of the change that
 * causes it. A job is only ever made from a committed row, so a crash or a queue outage
 * between commit and delivery loses nothing: the row waits until it is dispatched.
 */
@Injectable()
export class OutboxService {
  async enqueue(tx: EntityManager, organizationId: string, topic: OutboxTopic, payload: Record<string, unknown>): Promise<void> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.enqueue must run inside the transaction of the change it announces');
    }
    await tx.query(`INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)`, [organizationId, topic, JSON.stringify(payload)]);
  }
}
