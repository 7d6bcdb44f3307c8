import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications, and the e-mail that may go with each. `source_key` names the event a
 * notification was made from (the outbox row): with the recipient and the type it is unique,
 * so a job that runs twice makes nothing twice. The inbox indexes start with
 * (organization_id, user_id) and follow the list's order, newest first.
 */
export class Notifications1732752000000 implements MigrationInterface {
  name = 'Notifications1732752000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        user_id uuid NOT NULL,
        type text NOT NULL CHECK (type IN ('approval.assigned', 'spend.approved', 'spend.rejected', 'spend.blocked', 'spend.paid', 'receipt.processed', 'receipt.failed')),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        body text NOT NULL CHECK (length(body) <= 4000),
        entity_type text NOT NULL CHECK (entity_type IN ('spend', 'approval', 'receipt')),
        entity_id uuid NOT NULL,
        source_key text NOT NULL,
        read_at timestamptz(3),
        email_status text NOT NULL DEFAULT 'none' CHECK (email_status IN ('none', 'pending', 'sent', 'skipped', 'failed')),
        email_attempts integer NOT NULL DEFAULT 0,
        email_error text,
        emailed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT notifications_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
        CONSTRAINT notifications_source_key UNIQUE (organization_id, user_id, source_key, type)
      )`);
    await q.query(
      `CREATE INDEX notifications_inbox_idx ON notifications (organization_id, user_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX notifications_unread_idx ON notifications (organization_id, user_id, created_at DESC, id DESC) WHERE read_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notifications`);
  }
}
