import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { runSql } from '../../database/sql';

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

interface PendingRow {
  organizationId: string;
  topic: OutboxTopic;
  payload: string;
  /** The spend the event is about, numbered per spend; null for the rest. */
  subjectId: string | null;
  delaySeconds: number;
}

/**
 * Records a side effect (a notification, a webhook) in the transaction of the change that
 * causes it. A job is only ever made from a committed row, so a crash or a queue outage
 * between commit and delivery loses nothing: the row waits until it is dispatched.
 *
 * Rows are collected during the transaction and written in one statement just before it
 * commits (a use case often announces two or three things), in the order they were enqueued.
 * That statement is issued before the audit log's append, which takes the organization's
 * chain lock: this subscriber is put first in the list, and both send their first statement
 * without awaiting anything before it, so the lock is never held while the outbox is written.
 *
 * Events about a spend (every payload naming a `spend_id`) are numbered per spend: the
 * payload gets `sequence`, 1, 2, 3… in the order the changes committed, so that whoever
 * receives them later, in whatever order, can put them back in order. The numbers come from
 * the spend's `event_sequences` row, whose lock a second transaction on the same spend waits
 * for until the first commits.
 */
@Injectable()
export class OutboxService implements EntitySubscriberInterface, OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, PendingRow[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.dataSource.subscribers.unshift(this);
  }

  /** `delaySeconds`: not to be dispatched before then (a retry on a schedule of its own). */
  async enqueue(
    tx: EntityManager,
    organizationId: string,
    topic: OutboxTopic,
    payload: Record<string, unknown>,
    options: { delaySeconds?: number } = {},
  ): Promise<void> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('OutboxService.enqueue must run inside the transaction of the change it announces');
    }
    const spendId = payload.spend_id;
    const rows = this.pending.get(runner) ?? [];
    rows.push({
      organizationId,
      topic,
      payload: JSON.stringify(payload),
      subjectId: typeof spendId === 'string' && isUUID(spendId) ? spendId : null,
      delaySeconds: options.delaySeconds ?? 0,
    });
    this.pending.set(runner, rows);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // Savepoints (nested transactions) commit with their outer transaction.
    if ((runner as QueryRunner & { transactionDepth: number }).transactionDepth > 1) return;
    const rows = this.pending.get(runner);
    if (!rows?.length) return;
    this.pending.delete(runner);
    await runSql(runner.manager, INSERT_ROWS, [
      rows.map((r) => r.organizationId),
      rows.map((r) => r.topic),
      rows.map((r) => r.payload),
      rows.map((r) => r.subjectId),
      rows.map((r) => r.delaySeconds),
    ]);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }
}

/**
 * One statement for any number of rows (planned once per connection): bump each spend's
 * counter by its number of events (spends in id order, so two transactions never lock two
 * counters in opposite orders), number its events from there in the order they were
 * enqueued, and insert the rows in that order, so that ids follow it too. Exported for the
 * benchmark (bench/raw-sql.mjs), which numbers the events as the API does.
 */
export const INSERT_ROWS = {
  name: 'outbox.insert',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[], $5::float8[]) WITH ORDINALITY
        AS t(organization_id, topic, payload, subject_id, delay, ord)
    ), bumped AS (
      INSERT INTO event_sequences AS s (subject_id, organization_id, last_sequence)
      SELECT subject_id, (array_agg(organization_id))[1], count(*) FROM input WHERE subject_id IS NOT NULL GROUP BY subject_id ORDER BY subject_id
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + excluded.last_sequence
      RETURNING subject_id, last_sequence
    ), numbered AS (
      SELECT i.*, b.last_sequence - count(*) OVER (PARTITION BY i.subject_id) + row_number() OVER (PARTITION BY i.subject_id ORDER BY i.ord) AS sequence
      FROM input i LEFT JOIN bumped b ON b.subject_id = i.subject_id
    )
    INSERT INTO outbox (organization_id, topic, payload, available_at)
    SELECT organization_id, topic, CASE WHEN subject_id IS NULL THEN payload ELSE payload || jsonb_build_object('sequence', sequence) END,
           now() + make_interval(secs => delay)
    FROM numbered ORDER BY ord`,
};
