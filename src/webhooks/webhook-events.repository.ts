import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/** A webhook event as the fan-out writes it: one per outbox row. */
export interface NewWebhookEvent {
  organizationId: string;
  outboxId: string;
  type: string;
  spendId: string | null;
  sequence: number | null;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** The spend as a webhook event shows it, read from the spends table (see `spendSnapshot`). */
export interface SpendSnapshotRow {
  id: string;
  user_id: string;
  team_id: string | null;
  category_id: string | null;
  vendor_id: string | null;
  merchant: string | null;
  description: string | null;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  spend_date: string;
  status: string;
  flags: string[];
  updated_at: Date;
}

/** What the `webhooks` job writes: events, and one delivery per subscriber; scoped by organization. */
@Injectable()
export class WebhookEventsRepository {
  /** Subscriptions that want an event of this type that happened at `at`: active, subscribed, and existing then. */
  async subscribersAt(tx: EntityManager, organizationId: string, type: string, at: Date): Promise<string[]> {
    const rows = await runSql<{ id: string }>(tx, SUBSCRIBERS_AT, [organizationId, type, at]);
    return rows.map((r) => r.id);
  }

  /** The webhook event of this outbox row: inserted, or the one a previous run made. */
  async eventOf(tx: EntityManager, e: NewWebhookEvent): Promise<string> {
    const [inserted] = await runSql<{ id: string }>(tx, INSERT_EVENT, [
      e.organizationId,
      e.outboxId,
      e.type,
      e.spendId,
      e.sequence,
      JSON.stringify(e.data),
      e.occurredAt,
    ]);
    if (inserted) return inserted.id;
    const [existing] = await runSql<{ id: string }>(tx, EVENT_OF_OUTBOX, [e.outboxId]);
    return existing.id;
  }

  /** One delivery of the event per subscription that has none yet, due now; the new deliveries' ids. */
  async insertDeliveries(
    tx: EntityManager,
    organizationId: string,
    eventId: string,
    subscriptionIds: string[],
  ): Promise<string[]> {
    const rows = await runSql<{ id: string }>(tx, INSERT_DELIVERIES, [organizationId, subscriptionIds, eventId]);
    return rows.map((r) => r.id);
  }

  /**
   * The spend as it is now. A deliberate read model over the spends table: webhooks sit beside
   * notifications, below spends (which announce through the outbox and never call webhooks), so
   * they cannot use the spends module's services; this reads only, scoped by organization.
   */
  async spendSnapshot(tx: EntityManager, organizationId: string, spendId: string): Promise<SpendSnapshotRow | null> {
    const [row] = await runSql<SpendSnapshotRow>(tx, SPEND_SNAPSHOT, [organizationId, spendId]);
    return row ?? null;
  }
}

const SUBSCRIBERS_AT: Statement = {
  name: 'webhooks.subscribers_at',
  text: `SELECT id FROM webhook_subscriptions
         WHERE organization_id = $1 AND deleted_at IS NULL AND is_active AND $2 = ANY(events) AND created_at <= $3`,
};

const INSERT_EVENT: Statement = {
  name: 'webhooks.insert_event',
  text: `INSERT INTO webhook_events (organization_id, outbox_id, type, spend_id, sequence, data, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ON CONSTRAINT webhook_events_outbox_key DO NOTHING RETURNING id`,
};

const EVENT_OF_OUTBOX: Statement = {
  name: 'webhooks.event_of_outbox',
  text: `SELECT id FROM webhook_events WHERE outbox_id = $1`,
};

const INSERT_DELIVERIES: Statement = {
  name: 'webhooks.insert_deliveries',
  text: `INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, next_attempt_at)
         SELECT $1, subscription_id, $3, now() FROM unnest($2::uuid[]) AS subscription_id
         ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
         RETURNING id`,
};

const SPEND_SNAPSHOT: Statement = {
  name: 'webhooks.spend_snapshot',
  text: `SELECT id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency, base_amount_minor, base_currency,
                to_char(spend_date, 'YYYY-MM-DD') AS spend_date, status, flags, updated_at
         FROM spends WHERE organization_id = $1 AND id = $2`,
};
