import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox dispatcher's bookkeeping: when a row may next be tried (backoff after a failed
 * in-process run or an unreachable queue), and when it was given up on.
 */
export class OutboxDelivery1732492800000 implements MigrationInterface {
  name = 'OutboxDelivery1732492800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN available_at timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE outbox ADD COLUMN failed_at timestamptz(3)`);
    await q.query(`DROP INDEX outbox_pending_idx`);
    await q.query(
      `CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE dispatched_at IS NULL AND failed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_pending_idx`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL`);
    await q.query(`ALTER TABLE outbox DROP COLUMN failed_at`);
    await q.query(`ALTER TABLE outbox DROP COLUMN available_at`);
  }
}
