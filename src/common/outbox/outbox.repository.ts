import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';
import type { PendingRow } from './outbox.service';

/**
 * The outbox as OutboxService writes it, in the transaction of the change it announces. (The
 * jobs side's leasing and bookkeeping of the same rows: src/jobs/outbox.repository.ts.)
 */
@Injectable()
export class OutboxRepository {
  /**
   * Sends its statement before it first awaits (runSql queues it on the transaction's
   * connection at once), which is what keeps it ahead of the audit chain's lock at commit.
   */
  async append(tx: EntityManager, rows: PendingRow[]): Promise<void> {
    await runSql(tx, INSERT_ROWS, [
      rows.map((r) => r.organizationId),
      rows.map((r) => r.topic),
      rows.map((r) => r.payload),
      rows.map((r) => r.subjectId),
      rows.map((r) => r.delaySeconds),
      rows.map((r) => r.traceParent),
    ]);
  }

  async createdAt(tx: EntityManager, organizationId: string, outboxId: string): Promise<Date | null> {
    const [row] = await runSql<{ created_at: Date }>(tx, CREATED_AT, [outboxId, organizationId]);
    return row?.created_at ?? null;
  }
}

/**
 * One statement for any number of rows (planned once per connection): bump each spend's
 * counter by its number of events (spends in id order, so two transactions never lock two
 * counters in opposite orders), number its events from there in the order they were
 * enqueued, and insert the rows in that order, so that ids follow it too.
 */
export const INSERT_ROWS: Statement = {
  name: 'outbox.insert',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[], $5::float8[], $6::text[]) WITH ORDINALITY
        AS t(organization_id, topic, payload, subject_id, delay, trace_parent, ord)
    ), bumped AS (
      INSERT INTO event_sequences AS s (subject_id, organization_id, last_sequence)
      SELECT subject_id, (array_agg(organization_id))[1], count(*) FROM input WHERE subject_id IS NOT NULL GROUP BY subject_id ORDER BY subject_id
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + excluded.last_sequence
      RETURNING subject_id, last_sequence
    ), numbered AS (
      SELECT i.*, b.last_sequence - count(*) OVER (PARTITION BY i.subject_id) + row_number() OVER (PARTITION BY i.subject_id ORDER BY i.ord) AS sequence
      FROM input i LEFT JOIN bumped b ON b.subject_id = i.subject_id
    )
    INSERT INTO outbox (organization_id, topic, payload, available_at, trace_parent)
    SELECT organization_id, topic, CASE WHEN subject_id IS NULL THEN payload ELSE payload || jsonb_build_object('sequence', sequence) END,
           now() + make_interval(secs => delay), trace_parent
    FROM numbered ORDER BY ord`,
};

const CREATED_AT: Statement = {
  name: 'outbox.created_at',
  text: `SELECT created_at FROM outbox WHERE id = $1 AND organization_id = $2`,
};
