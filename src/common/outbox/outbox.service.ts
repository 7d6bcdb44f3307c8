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
import type { OutboxEvents, OutboxTopic } from './outbox-events';
import { OutboxRepository } from './outbox.repository';
import { currentTraceParent } from '../tracing/trace-context';

export type { OutboxTopic } from './outbox-events';

export interface PendingRow {
  organizationId: string;
  topic: OutboxTopic;
  payload: string;
  /** The spend the event is about, numbered per spend; null for the rest. */
  subjectId: string | null;
  delaySeconds: number;
  /** The W3C traceparent of the request that caused it (tracing on); its job continues that trace. */
  traceParent: string | null;
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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rows: OutboxRepository,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.unshift(this);
  }

  /** `delaySeconds`: not to be dispatched before then (a retry on a schedule of its own). */
  async enqueue<T extends OutboxTopic>(
    tx: EntityManager,
    organizationId: string,
    topic: T,
    payload: OutboxEvents[T],
    options: { delaySeconds?: number } = {},
  ): Promise<void> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('OutboxService.enqueue must run inside the transaction of the change it announces');
    }
    const spendId = (payload as { spend_id?: unknown }).spend_id;
    const rows = this.pending.get(runner) ?? [];
    rows.push({
      organizationId,
      topic,
      payload: JSON.stringify(payload),
      subjectId: typeof spendId === 'string' && isUUID(spendId) ? spendId : null,
      delaySeconds: options.delaySeconds ?? 0,
      traceParent: currentTraceParent(),
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
    await this.rows.append(runner.manager, rows);
  }

  /** When the outbox row `outboxId` of the organization was written (its change committed); null if there is none. */
  createdAt(tx: EntityManager, organizationId: string, outboxId: string): Promise<Date | null> {
    return this.rows.createdAt(tx, organizationId, outboxId);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }
}
