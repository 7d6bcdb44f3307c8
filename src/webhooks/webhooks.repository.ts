import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { DeliveryRow } from './webhook.mapper';
import { DeliveryStatus, WebhookDelivery, WebhookEventType, WebhookSubscription } from './webhook.entities';

/** Subscriptions and their deliveries, always scoped by organization. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first; deleted subscriptions are gone from every read. */
  async listSubscriptions(
    organizationId: string,
    page: { limit: number; offset: number; cursor?: string },
  ): Promise<Page<WebhookSubscription>> {
    const query = this.dataSource.manager
      .getRepository(WebhookSubscription)
      .createQueryBuilder('w')
      .where('w.organization_id = :organizationId AND w.deleted_at IS NULL', { organizationId });
    const total = await countMatches(query);
    if (page.cursor) {
      const [createdAt, id] = decodeCursor(page.cursor, ['timestamp', 'uuid']);
      query.andWhere('(w.created_at, w.id) < (:createdAt, :id)', { createdAt, id });
    } else {
      query.offset(page.offset);
    }
    const items = await query.orderBy('w.created_at', 'DESC').addOrderBy('w.id', 'DESC').limit(page.limit).getMany();
    return toPage(items, total, page, (last) => [last.createdAt.toISOString(), last.id]);
  }

  async findSubscription(
    organizationId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<WebhookSubscription | null> {
    return tx.findOne(WebhookSubscription, { where: { organizationId, id, deletedAt: IsNull() } });
  }

  async lockSubscription(tx: EntityManager, organizationId: string, id: string): Promise<WebhookSubscription | null> {
    return tx.findOne(WebhookSubscription, {
      where: { organizationId, id, deletedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Waiting deliveries of a subscription that was paused or deleted will not go; how many. */
  async cancelWaiting(tx: EntityManager, organizationId: string, subscriptionId: string): Promise<number> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
       WHERE organization_id = $1 AND subscription_id = $2 AND status = 'pending'`,
      [organizationId, subscriptionId],
    );
    return count;
  }

  /** A subscription's deliveries, newest first, with their event's type, spend and sequence. */
  async listDeliveries(
    organizationId: string,
    subscriptionId: string,
    filter: { status?: DeliveryStatus; limit: number; offset: number; cursor?: string },
  ): Promise<Page<DeliveryRow>> {
    const conditions = ['d.organization_id = $1', 'd.subscription_id = $2'];
    const params: unknown[] = [organizationId, subscriptionId];
    if (filter.status) {
      params.push(filter.status);
      conditions.push(`d.status = $${params.length}`);
    }
    const [{ count }]: Array<{ count: string }> = await this.dataSource.query(
      `SELECT COUNT(*) AS count FROM webhook_deliveries d WHERE ${conditions.join(' AND ')}`,
      params,
    );
    let paging: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      params.push(createdAt, id);
      conditions.push(`(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      paging = '';
    } else {
      params.push(filter.offset);
      paging = ` OFFSET $${params.length}`;
    }
    params.push(filter.limit);
    const rows: DeliverySqlRow[] = await this.dataSource.query(
      `${DELIVERY_SELECT} WHERE ${conditions.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.length}${paging}`,
      params,
    );
    return toPage(rows.map(toDeliveryRow), Number(count), filter, (last) => [
      last.delivery.createdAt.toISOString(),
      last.delivery.id,
    ]);
  }

  async findDelivery(
    organizationId: string,
    subscriptionId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<DeliveryRow | null> {
    const [row]: DeliverySqlRow[] = await tx.query(
      `${DELIVERY_SELECT} WHERE d.organization_id = $1 AND d.subscription_id = $2 AND d.id = $3`,
      [organizationId, subscriptionId, id],
    );
    return row ? toDeliveryRow(row) : null;
  }

  async lockDelivery(
    tx: EntityManager,
    organizationId: string,
    subscriptionId: string,
    id: string,
  ): Promise<WebhookDelivery | null> {
    return tx.findOne(WebhookDelivery, {
      where: { organizationId, subscriptionId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * Installation-wide on purpose (a maintenance pass at start, like housekeeping): a page of
   * the subscriptions, deleted ones included, whose secret is in plain text or sealed under
   * another key than `keyId`, after `afterId`.
   */
  async secretsToSeal(keyId: string, afterId: string | null, limit: number): Promise<StoredSubscriptionSecret[]> {
    const rows: Array<{
      id: string;
      organization_id: string;
      secret: string | null;
      secret_ciphertext: string | null;
    }> = await this.dataSource.query(
      `SELECT id, organization_id, secret, secret_ciphertext FROM webhook_subscriptions
       WHERE (secret IS NOT NULL OR secret_ciphertext NOT LIKE 'v1.' || $1 || '.%') AND ($2::uuid IS NULL OR id > $2::uuid)
       ORDER BY id LIMIT $3`,
      [keyId, afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      secret: r.secret,
      secretCiphertext: r.secret_ciphertext,
    }));
  }

  /**
   * Replaces a stored secret by its sealed form, in one statement that also empties the plain
   * text; only if the row still holds what was read (a rotation meanwhile wins). True if it did.
   */
  async storeSealedSecret(
    organizationId: string,
    read: StoredSubscriptionSecret,
    sealed: string,
    hint: string,
  ): Promise<boolean> {
    const [, updated]: [unknown, number] = await this.dataSource.query(
      `UPDATE webhook_subscriptions SET secret = NULL, secret_ciphertext = $3, secret_hint = coalesce(secret_hint, $4)
       WHERE organization_id = $1 AND id = $2 AND secret IS NOT DISTINCT FROM $5 AND secret_ciphertext IS NOT DISTINCT FROM $6`,
      [organizationId, read.id, sealed, hint, read.secret, read.secretCiphertext],
    );
    return updated === 1;
  }
}

/** A subscription's secret as stored, plain (not sealed yet) or sealed. */
export interface StoredSubscriptionSecret {
  id: string;
  organizationId: string;
  secret: string | null;
  secretCiphertext: string | null;
}

const DELIVERY_SELECT = `
  SELECT d.id, d.organization_id, d.subscription_id, d.event_id, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.response_status,
         d.response_body, d.error, d.duration_ms, d.delivered_at, d.created_at, d.updated_at, e.type AS event_type, e.spend_id, e.sequence
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
