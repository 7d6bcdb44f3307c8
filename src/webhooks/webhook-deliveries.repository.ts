import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import { DeliveryRow } from './webhook.mapper';
import { DeliveryStatus, WebhookDelivery, WebhookEventType } from './webhook.entities';

/** A claimed attempt: the delivery, where it goes, and the event it carries. */
export interface ClaimedDelivery {
  id: string;
  subscription_id: string;
  url: string;
  secret: string | null;
  secret_ciphertext: string | null;
  live: boolean;
  event_id: string;
  type: string;
  spend_id: string | null;
  sequence: number | null;
  data: Record<string, unknown>;
  occurred_at: Date;
}

/** How an attempt ended, as stored on its delivery. */
export interface AttemptOutcome {
  status: 'succeeded' | 'failed' | 'pending';
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** For `pending`: when the next attempt is due. */
  retryInSeconds: number;
}

/** Subscriptions' deliveries and their attempts, always scoped by organization. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Waiting deliveries of a subscription that was paused or deleted will not go; how many. */
  async cancelWaiting(tx: EntityManager, organizationId: string, subscriptionId: string): Promise<number> {
    const [row] = await runSql<{ cancelled: number }>(tx, CANCEL_WAITING, [organizationId, subscriptionId]);
    return row.cancelled;
  }

  /**
   * A subscription's deliveries, newest first, with their event's type, spend and sequence.
   * The count and the page are one statement (one round trip, one snapshot).
   */
  async listDeliveries(
    organizationId: string,
    subscriptionId: string,
    filter: { status?: DeliveryStatus; limit: number; offset: number; cursor?: string },
  ): Promise<Page<DeliveryRow>> {
    const values: unknown[] = [organizationId, subscriptionId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['d.organization_id = $1', 'd.subscription_id = $2'];
    if (filter.status) where.push(`d.status = ${param(filter.status)}`);
    const matches = where.join(' AND ');
    let page: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      page = `${matches} AND (d.created_at, d.id) < (${param(createdAt)}::timestamptz, ${param(id)}::uuid) ORDER BY d.created_at DESC, d.id DESC LIMIT ${param(filter.limit)}`;
    } else {
      page = `${matches} ORDER BY d.created_at DESC, d.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<DeliverySqlRow & { total: string }>(
      this.dataSource,
      variant(
        'webhooks.list_deliveries',
        `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM webhook_deliveries d WHERE ${matches}) c
         LEFT JOIN LATERAL (${DELIVERY_SELECT} WHERE ${page}) p ON true
         ORDER BY p.created_at DESC, p.id DESC`,
      ),
      values,
    );
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row) => row.id !== null).map(toDeliveryRow);
    return toPage(items, total, filter, (last) => [last.delivery.createdAt.toISOString(), last.delivery.id]);
  }

  async findDelivery(
    organizationId: string,
    subscriptionId: string,
    id: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<DeliveryRow | null> {
    const [row] = await runSql<DeliverySqlRow>(tx, FIND, [organizationId, subscriptionId, id]);
    return row ? toDeliveryRow(row) : null;
  }

  async lockDelivery(
    tx: EntityManager,
    organizationId: string,
    subscriptionId: string,
    id: string,
  ): Promise<WebhookDelivery | null> {
    const [row] = await runSql<DeliverySqlRow>(tx, LOCK, [organizationId, subscriptionId, id]); // without its event
    return row ? toDeliveryRow(row).delivery : null;
  }

  /** A manual retry: the delivery waits again, for an attempt due at `at`. */
  async markRetried(tx: EntityManager, delivery: WebhookDelivery, at: Date): Promise<void> {
    const [row] = await runSql<{ status: DeliveryStatus; next_attempt_at: Date; updated_at: Date }>(tx, MARK_RETRIED, [
      delivery.organizationId,
      delivery.id,
      at,
    ]);
    Object.assign(delivery, { status: row.status, nextAttemptAt: row.next_attempt_at, updatedAt: row.updated_at });
  }

  /**
   * Takes the delivery for this attempt: `pending` after the previous attempt, or `delivering`
   * this attempt in a process that has been silent for `staleSeconds`. Null when it is neither.
   */
  async claim(
    organizationId: string,
    deliveryId: string,
    attempt: number,
    staleSeconds: number,
  ): Promise<ClaimedDelivery | null> {
    const [row] = await runSql<ClaimedDelivery>(this.dataSource, CLAIM, [
      organizationId,
      deliveryId,
      attempt,
      staleSeconds,
    ]);
    return row ?? null;
  }

  async state(organizationId: string, deliveryId: string): Promise<{ status: string; attempts: number } | null> {
    const [row] = await runSql<{ status: string; attempts: number }>(this.dataSource, STATE, [
      organizationId,
      deliveryId,
    ]);
    return row ?? null;
  }

  /** A claimed attempt whose subscription was paused or deleted meanwhile does not go. */
  async cancelClaimed(organizationId: string, deliveryId: string, attempt: number): Promise<void> {
    await runSql(this.dataSource, CANCEL_CLAIMED, [organizationId, deliveryId, attempt]);
  }

  /** Records the attempt's outcome, unless another process took the attempt over; false then. */
  async recordAttempt(
    tx: EntityManager,
    organizationId: string,
    deliveryId: string,
    attempt: number,
    o: AttemptOutcome,
  ): Promise<boolean> {
    const rows = await runSql(tx, RECORD_ATTEMPT, [
      organizationId,
      deliveryId,
      attempt,
      o.status,
      o.responseStatus,
      o.responseBody,
      o.error,
      o.durationMs,
      o.retryInSeconds,
    ]);
    return rows.length > 0;
  }
}

const DELIVERY_COLUMNS = `d.id, d.organization_id, d.subscription_id, d.event_id, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,
                          d.response_status, d.response_body, d.error, d.duration_ms, d.delivered_at, d.created_at, d.updated_at`;

const DELIVERY_SELECT = `
  SELECT ${DELIVERY_COLUMNS}, e.type AS event_type, e.spend_id, e.sequence
  FROM webhook_deliveries d JOIN webhook_events e ON e.organization_id = d.organization_id AND e.id = d.event_id`;

interface DeliverySqlRow {
  id: string;
  organization_id: string;
  subscription_id: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
  event_type: WebhookEventType;
  spend_id: string | null;
  sequence: number | null;
}

function toDeliveryRow(r: DeliverySqlRow): DeliveryRow {
  const delivery = Object.assign(new WebhookDelivery(), {
    id: r.id,
    organizationId: r.organization_id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    responseStatus: r.response_status,
    responseBody: r.response_body,
    error: r.error,
    durationMs: r.duration_ms,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return { delivery, eventType: r.event_type, spendId: r.spend_id, sequence: r.sequence };
}

const CANCEL_WAITING: Statement = {
  name: 'webhooks.cancel_waiting',
  text: `WITH cancelled AS (
           UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
           WHERE organization_id = $1 AND subscription_id = $2 AND status = 'pending' RETURNING 1
         )
         SELECT count(*)::int AS cancelled FROM cancelled`,
};

const FIND: Statement = {
  name: 'webhooks.find_delivery',
  text: `${DELIVERY_SELECT} WHERE d.organization_id = $1 AND d.subscription_id = $2 AND d.id = $3`,
};

const LOCK: Statement = {
  name: 'webhooks.lock_delivery',
  text: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.organization_id = $1 AND d.subscription_id = $2 AND d.id = $3 FOR UPDATE`,
};

const MARK_RETRIED: Statement = {
  name: 'webhooks.mark_delivery_retried',
  text: `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING status, next_attempt_at, updated_at`,
};

const CLAIM: Statement = {
  name: 'webhooks.claim_delivery',
  text: `UPDATE webhook_deliveries d SET status = 'delivering', attempts = $3, last_attempt_at = now(), next_attempt_at = NULL, updated_at = now()
         FROM webhook_subscriptions s, webhook_events e
         WHERE d.organization_id = $1 AND d.id = $2
           AND s.organization_id = d.organization_id AND s.id = d.subscription_id AND e.organization_id = d.organization_id AND e.id = d.event_id
           AND ((d.status = 'pending' AND d.attempts = $3 - 1)
             OR (d.status = 'delivering' AND d.attempts = $3 AND d.last_attempt_at < now() - make_interval(secs => $4)))
         RETURNING d.id, s.id AS subscription_id, s.url, s.secret, s.secret_ciphertext, (s.is_active AND s.deleted_at IS NULL) AS live,
                   e.id AS event_id, e.type, e.spend_id, e.sequence, e.data, e.occurred_at`,
};

const STATE: Statement = {
  name: 'webhooks.delivery_state',
  text: `SELECT status, attempts FROM webhook_deliveries WHERE organization_id = $1 AND id = $2`,
};

const CANCEL_CLAIMED: Statement = {
  name: 'webhooks.cancel_claimed',
  text: `UPDATE webhook_deliveries SET status = 'cancelled', updated_at = now()
         WHERE organization_id = $1 AND id = $2 AND status = 'delivering' AND attempts = $3`,
};

const RECORD_ATTEMPT: Statement = {
  name: 'webhooks.record_attempt',
  text: `UPDATE webhook_deliveries SET status = $4, response_status = $5, response_body = $6, error = $7, duration_ms = $8,
           delivered_at = CASE WHEN $4 = 'succeeded' THEN now() ELSE delivered_at END,
           next_attempt_at = CASE WHEN $4 = 'pending' THEN now() + make_interval(secs => $9) END, updated_at = now()
         WHERE organization_id = $1 AND id = $2 AND status = 'delivering' AND attempts = $3
         RETURNING id`,
};
