import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C `traceparent` of the request whose change wrote the outbox row (only when tracing is
 * on, docs/operations.md#tracing), so that the job made from the row continues its trace. Kept
 * beside the payload, not in it: payloads are what consumers (webhook receivers) are sent.
 */
export class OutboxTraceParent1733961600700 implements MigrationInterface {
  name = 'OutboxTraceParent1733961600700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN trace_parent text CHECK (length(trace_parent) <= 128)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN trace_parent`);
  }
}
