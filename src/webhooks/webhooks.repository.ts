import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import { WebhookEventType, WebhookSubscription } from './webhook.entities';

/** What a new subscription is made of; the id is chosen by the caller (its sealed secret is bound to it). */
export type NewSubscription = Pick<
  WebhookSubscription,
  | 'id'
  | 'organizationId'
  | 'url'
  | 'events'
  | 'secret'
  | 'secretCiphertext'
  | 'secretHint'
  | 'description'
  | 'createdBy'
>;

/** Subscriptions, always scoped by organization. Their deliveries: WebhookDeliveriesRepository. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Newest first; deleted subscriptions are gone from every read. The count and the page are
   * one statement (one round trip, one snapshot).
   */
  async listSubscriptions(
    organizationId: string,
    filter: { limit: number; offset: number; cursor?: string },
  ): Promise<Page<WebhookSubscription>> {
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const matches = 'w.organization_id = $1 AND w.deleted_at IS NULL';
    let page: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      page = `${matches} AND (w.created_at, w.id) < (${param(createdAt)}::timestamptz, ${param(id)}::uuid) ORDER BY w.created_at DESC, w.id DESC LIMIT ${param(filter.limit)}`;
    } else {
      page = `${matches} ORDER BY w.created_at DESC, w.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<SubscriptionRow & { total: string }>(
      this.dataSource,
      variant(
        'webhooks.list_subscriptions',
        `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM webhook_subscriptions w WHERE ${matches}) c
         LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM webhook_subscriptions w WHERE ${page}) p ON true
         ORDER BY p.created_at DESC, p.id DESC`,
      ),
      values,
    );
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row) => row.id !== null).map(toSubscription);
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  async findSubscription(
    organizationId: string,
    id: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<WebhookSubscription | null> {
    const [row] = await runSql<SubscriptionRow>(tx, FIND, [organizationId, id]);
    return row ? toSubscription(row) : null;
  }

  async lockSubscription(tx: EntityManager, organizationId: string, id: string): Promise<WebhookSubscription | null> {
    const [row] = await runSql<SubscriptionRow>(tx, LOCK, [organizationId, id]);
    return row ? toSubscription(row) : null;
  }

  async insertSubscription(tx: EntityManager, s: NewSubscription): Promise<WebhookSubscription> {
    const [row] = await runSql<SubscriptionRow>(tx, INSERT, [
      s.id,
      s.organizationId,
      s.url,
      s.events,
      s.secret,
      s.secretCiphertext,
      s.secretHint,
      s.description,
      s.createdBy,
    ]);
    return toSubscription(row);
  }

  /** Stores what an update changed of the subscription (its settings and secret); refreshes `updatedAt`. */
  async storeSubscription(tx: EntityManager, s: WebhookSubscription): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, STORE, [
      s.organizationId,
      s.id,
      s.url,
      s.events,
      s.description,
      s.isActive,
      s.secret,
      s.secretCiphertext,
      s.secretHint,
    ]);
    s.updatedAt = row.updated_at;
  }

  /** Marks the subscription deleted (and inactive) as of `at`. */
  async markDeleted(tx: EntityManager, s: WebhookSubscription, at: Date): Promise<void> {
    const [row] = await runSql<{ is_active: boolean; deleted_at: Date; updated_at: Date }>(tx, MARK_DELETED, [
      s.organizationId,
      s.id,
      at,
    ]);
    Object.assign(s, { isActive: row.is_active, deletedAt: row.deleted_at, updatedAt: row.updated_at });
  }

  /**
   * Installation-wide on purpose (a maintenance pass at start, like housekeeping): a page of
   * the subscriptions, deleted ones included, whose secret is in plain text or sealed under
   * another key than `keyId`, after `afterId`.
   */
  async secretsToSeal(keyId: string, afterId: string | null, limit: number): Promise<StoredSubscriptionSecret[]> {
    const rows = await runSql<{
      id: string;
      organization_id: string;
      secret: string | null;
      secret_ciphertext: string | null;
    }>(this.dataSource, SECRETS_TO_SEAL, [keyId, afterId, limit]);
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
    const rows = await runSql(this.dataSource, STORE_SEALED_SECRET, [
      organizationId,
      read.id,
      sealed,
      hint,
      read.secret,
      read.secretCiphertext,
    ]);
    return rows.length === 1;
  }
}

/** A subscription's secret as stored, plain (not sealed yet) or sealed. */
export interface StoredSubscriptionSecret {
  id: string;
  organizationId: string;
  secret: string | null;
  secretCiphertext: string | null;
}

interface SubscriptionRow {
  id: string;
  organization_id: string;
  url: string;
  events: WebhookEventType[];
  secret: string | null;
  secret_ciphertext: string | null;
  secret_hint: string | null;
  description: string | null;
  is_active: boolean;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return Object.assign(new WebhookSubscription(), {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    events: row.events,
    secret: row.secret,
    secretCiphertext: row.secret_ciphertext,
    secretHint: row.secret_hint,
    description: row.description,
    isActive: row.is_active,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  });
}

const COLUMNS = `w.id, w.organization_id, w.url, w.events, w.secret, w.secret_ciphertext, w.secret_hint, w.description, w.is_active,
                 w.created_by, w.created_at, w.updated_at, w.deleted_at`;

const FIND: Statement = {
  name: 'webhooks.find_subscription',
  text: `SELECT ${COLUMNS} FROM webhook_subscriptions w WHERE w.organization_id = $1 AND w.id = $2 AND w.deleted_at IS NULL`,
};

const LOCK: Statement = {
  name: 'webhooks.lock_subscription',
  text: `SELECT ${COLUMNS} FROM webhook_subscriptions w WHERE w.organization_id = $1 AND w.id = $2 AND w.deleted_at IS NULL FOR UPDATE`,
};

const INSERT: Statement = {
  name: 'webhooks.insert_subscription',
  text: `INSERT INTO webhook_subscriptions AS w (id, organization_id, url, events, secret, secret_ciphertext, secret_hint, description, created_by)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9)
         RETURNING ${COLUMNS}`,
};

const STORE: Statement = {
  name: 'webhooks.store_subscription',
  text: `UPDATE webhook_subscriptions SET url = $3, events = $4::text[], description = $5, is_active = $6, secret = $7,
                                         secret_ciphertext = $8, secret_hint = $9, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const MARK_DELETED: Statement = {
  name: 'webhooks.mark_subscription_deleted',
  text: `UPDATE webhook_subscriptions SET deleted_at = $3, is_active = false, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING is_active, deleted_at, updated_at`,
};

const SECRETS_TO_SEAL: Statement = {
  name: 'webhooks.secrets_to_seal',
  text: `SELECT id, organization_id, secret, secret_ciphertext FROM webhook_subscriptions
         WHERE (secret IS NOT NULL OR secret_ciphertext NOT LIKE 'v1.' || $1 || '.%') AND ($2::uuid IS NULL OR id > $2::uuid)
         ORDER BY id LIMIT $3`,
};

const STORE_SEALED_SECRET: Statement = {
  name: 'webhooks.store_sealed_secret',
  text: `UPDATE webhook_subscriptions SET secret = NULL, secret_ciphertext = $3, secret_hint = coalesce(secret_hint, $4)
         WHERE organization_id = $1 AND id = $2 AND secret IS NOT DISTINCT FROM $5 AND secret_ciphertext IS NOT DISTINCT FROM $6
         RETURNING id`,
};
