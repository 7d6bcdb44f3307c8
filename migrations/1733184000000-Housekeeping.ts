import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for housekeeping (`src/jobs/housekeeping.ts`), which deletes what has served its
 * purpose in batches: dispatched outbox rows and finished webhook deliveries by age, and the
 * webhook events left without deliveries. Deleting an event makes PostgreSQL look for
 * deliveries that still reference it (the foreign key), which without an index on
 * `(organization_id, event_id)` is a scan of all deliveries for every event.
 */
export class Housekeeping1733184000000 implements MigrationInterface {
  name = 'Housekeeping1733184000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX outbox_dispatched_idx ON outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (organization_id, event_id)`);
    await q.query(
      `CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (updated_at) WHERE status IN ('succeeded', 'failed', 'cancelled')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_finished_idx`);
    await q.query(`DROP INDEX webhook_deliveries_event_idx`);
    await q.query(`DROP INDEX outbox_dispatched_idx`);
  }
}
