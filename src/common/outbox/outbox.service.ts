import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { placeholders, runSql } from '../../database/sql';

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

interface PendingRow {
  organizationId: string;
  topic: OutboxTopic;
  payload: string;
}

/**
 * Records a side effect (a notification, a webhook) in the transaction of the change that
 * causes it. A job is only ever made from a committed row, so a crash or a queue outage
 * between commit and delivery loses nothing: the row waits until it is dispatched.
 *
 * Rows are collected during the transaction and written in one INSERT just before it commits
 * (a use case often announces two or three things), in the order they were enqueued. That
 * INSERT is issued before the audit log's append, which takes the organization's chain lock:
 * this subscriber is put first in the list, and both send their first statement without
 * awaiting anything before it, so the lock is never held while the outbox is written.
 */
@Injectable()
export class OutboxService implements EntitySubscriberInterface, OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, PendingRow[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.dataSource.subscribers.unshift(this);
  }

  async enqueue(tx: EntityManager, organizationId: string, topic: OutboxTopic, payload: Record<string, unknown>): Promise<void> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('OutboxService.enqueue must run inside the transaction of the change it announces');
    }
    const rows = this.pending.get(runner) ?? [];
    rows.push({ organizationId, topic, payload: JSON.stringify(payload) });
    this.pending.set(runner, rows);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // Savepoints (nested transactions) commit with their outer transaction.
    if ((runner as QueryRunner & { transactionDepth: number }).transactionDepth > 1) return;
    const rows = this.pending.get(runner);
    if (!rows?.length) return;
    this.pending.delete(runner);
    await runSql(runner.manager, insertStatement(rows.length), rows.flatMap((row) => [row.organizationId, row.topic, row.payload]));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }
}

/** One row after the other in VALUES order, so ids follow the order of enqueueing. */
function insertStatement(rows: number) {
  const values = Array.from({ length: rows }, (_, i) => `(${placeholders(3, i * 3 + 1)})`);
  return { name: `outbox.insert_${rows}`, text: `INSERT INTO outbox (organization_id, topic, payload) VALUES ${values.join(', ')}` };
}
