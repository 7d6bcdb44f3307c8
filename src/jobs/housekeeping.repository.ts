import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/**
 * Each statement deletes at most `$2` rows past their retention (`$1`, days or hours) and
 * answers how many it deleted: a backlog is worked off in short statements, never one long lock.
 */
const DELETE_DISPATCHED_OUTBOX: Statement = {
  name: 'housekeeping.outbox',
  text: `
    WITH deleted AS (
      DELETE FROM outbox WHERE id IN (
        SELECT id FROM outbox WHERE dispatched_at < now() - make_interval(days => $1) LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`,
};

const DELETE_EXPIRED_IDEMPOTENCY_KEYS: Statement = {
  name: 'housekeeping.idempotency_keys',
  text: `
    WITH deleted AS (
      DELETE FROM idempotency_keys WHERE (user_id, key) IN (
        SELECT user_id, key FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`,
};

const DELETE_FINISHED_WEBHOOK_DELIVERIES: Statement = {
  name: 'housekeeping.webhook_deliveries',
  text: `
    WITH deleted AS (
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries
        WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < now() - make_interval(days => $1)
        LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`,
};

const DELETE_UNDELIVERED_WEBHOOK_EVENTS: Statement = {
  name: 'housekeeping.webhook_events',
  text: `
    WITH deleted AS (
      DELETE FROM webhook_events WHERE id IN (
        SELECT e.id FROM webhook_events e
        WHERE e.created_at < now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.organization_id = e.organization_id AND d.event_id = e.id)
        LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`,
};

/**
 * The deletes of housekeeping, across organizations on purpose: retention is the
 * installation's, not a tenant's. Each method deletes one batch and answers how many rows it
 * deleted; the caller repeats it until a batch comes back short.
 */
@Injectable()
export class HousekeepingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  deleteDispatchedOutbox(days: number, limit: number): Promise<number> {
    return this.deleted(DELETE_DISPATCHED_OUTBOX, days, limit);
  }

  deleteExpiredIdempotencyKeys(hours: number, limit: number): Promise<number> {
    return this.deleted(DELETE_EXPIRED_IDEMPOTENCY_KEYS, hours, limit);
  }

  deleteFinishedWebhookDeliveries(days: number, limit: number): Promise<number> {
    return this.deleted(DELETE_FINISHED_WEBHOOK_DELIVERIES, days, limit);
  }

  /** Webhook events older than `days` that no delivery refers to any more. */
  deleteUndeliveredWebhookEvents(days: number, limit: number): Promise<number> {
    return this.deleted(DELETE_UNDELIVERED_WEBHOOK_EVENTS, days, limit);
  }

  private async deleted(statement: Statement, age: number, limit: number): Promise<number> {
    const [row] = await runSql<{ deleted: number }>(this.dataSource, statement, [age, limit]);
    return row.deleted;
  }
}
