import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks, both ways.
 *
 * Outbound: an organization's subscriptions (URL, events, signing secret); the events made
 * from outbox rows (one per row, `outbox_id` unique, so a repeated job makes none twice); and
 * one delivery per subscription and event (unique), which records its attempts. The list of
 * a subscription's deliveries reads `webhook_deliveries_list_idx`, newest first.
 *
 * `event_sequences` numbers the events about one spend in the order their changes committed:
 * the outbox takes the next number with an upsert inside the change's transaction, whose row
 * lock makes a second transaction on the same spend wait for the first to commit.
 *
 * Inbound: users get the identity provider's `external_id` (unique across Spendin, like the
 * e-mail, since the provider is the installation's), and `identity_events` remembers event
 * ids already applied, so a redelivered event changes nothing. It belongs to the installation,
 * not to a tenant, as the provider does.
 */
export class Webhooks1733011200000 implements MigrationInterface {
  name = 'Webhooks1733011200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 255)`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_external_id_key UNIQUE (external_id)`);
    await q.query(`
      CREATE TABLE identity_events (
        event_id text PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 255),
        type text NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE event_sequences (
        subject_id uuid PRIMARY KEY,
        organization_id uuid NOT NULL,
        last_sequence integer NOT NULL
      )`);

    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        secret text NOT NULL CHECK (length(secret) BETWEEN 24 AND 255),
        description text CHECK (length(description) <= 500),
        is_active boolean NOT NULL DEFAULT true,
        created_by uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT webhook_subscriptions_org_id_key UNIQUE (organization_id, id)
      )`);
    await q.query(
      `CREATE INDEX webhook_subscriptions_list_idx ON webhook_subscriptions (organization_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        outbox_id bigint NOT NULL,
        type text NOT NULL,
        spend_id uuid,
        sequence integer,
        data jsonb NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_events_outbox_key UNIQUE (outbox_id),
        CONSTRAINT webhook_events_org_id_key UNIQUE (organization_id, id)
      )`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        subscription_id uuid NOT NULL,
        event_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3),
        last_attempt_at timestamptz(3),
        response_status integer,
        response_body text,
        error text,
        duration_ms integer,
        delivered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_subscription_fk FOREIGN KEY (organization_id, subscription_id) REFERENCES webhook_subscriptions (organization_id, id),
        CONSTRAINT webhook_deliveries_event_fk FOREIGN KEY (organization_id, event_id) REFERENCES webhook_events (organization_id, id),
        CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (organization_id, subscription_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_events`);
    await q.query(`DROP TABLE IF EXISTS webhook_subscriptions`);
    await q.query(`DROP TABLE IF EXISTS event_sequences`);
    await q.query(`DROP TABLE IF EXISTS identity_events`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_external_id_key`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS external_id`);
  }
}
