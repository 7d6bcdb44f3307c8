import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import type { OutboxRow } from './job-registry';

/** A row leased for dispatch: the job it makes, and how often handing it over failed before. */
export interface LeasedRow extends OutboxRow {
  attempts: number;
}

interface Row {
  id: string;
  organization_id: string;
  topic: OutboxRow['topic'];
  payload: Record<string, unknown>;
  attempts: number;
  trace_parent: string | null;
}

const toLeased = (row: Row): LeasedRow => ({
  outboxId: String(row.id),
  organizationId: row.organization_id,
  topic: row.topic,
  payload: row.payload,
  attempts: row.attempts,
  traceParent: row.trace_parent,
});

/** A bigint id as PostgreSQL takes it: anything else names no row (and must not reach SQL as one). */
const BIGINT_MAX = 9_223_372_036_854_775_807n;
const isRowId = (id: string) => /^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= BIGINT_MAX;

/** `$1` rows at most, leased for `$2` seconds. */
const LEASE_DUE: Statement = {
  name: 'outbox.lease_due',
  text: `
    UPDATE outbox SET available_at = now() + make_interval(secs => $2)
    WHERE id IN (
      SELECT id FROM outbox WHERE dispatched_at IS NULL AND failed_at IS NULL AND available_at <= now()
      ORDER BY available_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id, organization_id, topic, payload, attempts, trace_parent`,
};

const FIND_FOR_JOB: Statement = {
  name: 'outbox.find_for_job',
  text: `SELECT id, organization_id, topic, payload, attempts, trace_parent FROM outbox WHERE id = $1`,
};

const MARK_DISPATCHED: Statement = {
  name: 'outbox.mark_dispatched',
  text: `UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`,
};

/** `$2` tries so far, `$3` the last error, due again in `$4` seconds, given up on at `$5` tries. */
const RESCHEDULE: Statement = {
  name: 'outbox.reschedule',
  text: `
    UPDATE outbox SET attempts = $2::int, last_error = $3,
      available_at = now() + make_interval(secs => $4::int),
      failed_at = CASE WHEN $2::int >= $5::int THEN now() END
    WHERE id = $1`,
};

/** A row no consumer can take (its payload is malformed): failed at once with its reason, never retried. */
const REFUSE: Statement = {
  name: 'outbox.refuse',
  text: `UPDATE outbox SET attempts = attempts + 1, last_error = $2, failed_at = now() WHERE id = $1 AND dispatched_at IS NULL`,
};

const RELEASE: Statement = {
  name: 'outbox.release',
  text: `UPDATE outbox SET available_at = now() WHERE id = ANY($1::bigint[]) AND dispatched_at IS NULL`,
};

/**
 * What waits in the outbox, for metrics and readiness: on the partial index of undispatched rows
 * (outbox_pending_idx), so its cost follows the backlog, not the table. `oldest_due_seconds` is
 * how long the row due longest has been due (null: none is due); a leased row is not due.
 */
const LAG: Statement = {
  name: 'outbox.lag',
  text: `
    SELECT count(*)::int AS backlog,
      (count(*) FILTER (WHERE available_at <= now()))::int AS due,
      EXTRACT(EPOCH FROM now() - min(available_at) FILTER (WHERE available_at <= now()))::float8 AS oldest_due_seconds
    FROM outbox WHERE dispatched_at IS NULL AND failed_at IS NULL`,
};

/** Undispatched rows not given up on (`backlog`), those of them due now, and the age of the oldest due. */
export interface OutboxLag {
  backlog: number;
  due: number;
  oldestDueSeconds: number | null;
}

/**
 * The outbox as the jobs side reads it: leasing rows for dispatch and the bookkeeping of
 * handing them over. The rows themselves are written by OutboxService, in the transaction of
 * the change they announce. These lookups are by row id across organizations on purpose: a
 * row is what says which organization a job belongs to.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Leases up to `limit` due rows, oldest first, for `leaseSeconds`: SKIP LOCKED, so several
   * dispatchers never take the same row; after a crash a leased row comes back once its lease lapses.
   */
  async leaseDue(limit: number, leaseSeconds: number): Promise<LeasedRow[]> {
    const rows = await runSql<Row>(this.dataSource, LEASE_DUE, [limit, leaseSeconds]);
    return rows.map(toLeased).sort((a, b) => Number(a.outboxId) - Number(b.outboxId));
  }

  /**
   * The committed row a queued job names, which is all a job is trusted with: its organization,
   * topic and payload come from here, never from Redis. Null when there is no such row (a job
   * made by hand, or one whose row housekeeping deleted after OUTBOX_RETENTION_DAYS).
   */
  async findForJob(outboxId: string): Promise<OutboxRow | null> {
    if (!isRowId(outboxId)) return null;
    const [row] = await runSql<Row>(this.dataSource, FIND_FOR_JOB, [outboxId]);
    if (!row) return null;
    const { attempts: _attempts, ...job } = toLeased(row);
    return job;
  }

  async markDispatched(ids: string[]): Promise<void> {
    await runSql(this.dataSource, MARK_DISPATCHED, [ids]);
  }

  /** Handing the row over failed: try again in `delaySeconds`, or give up on it (kept with its error) after `maxAttempts`. */
  async reschedule(
    id: string,
    attempts: number,
    error: string,
    delaySeconds: number,
    maxAttempts: number,
  ): Promise<void> {
    await runSql(this.dataSource, RESCHEDULE, [id, attempts, error, delaySeconds, maxAttempts]);
  }

  /** Gives up on a row at once (kept with its reason): trying it again would fail the same way. */
  async refuse(id: string, error: string): Promise<void> {
    await runSql(this.dataSource, REFUSE, [id, error]);
  }

  async lag(): Promise<OutboxLag> {
    const [row] = await runSql<{ backlog: number; due: number; oldest_due_seconds: number | null }>(
      this.dataSource,
      LAG,
      [],
    );
    return { backlog: row.backlog, due: row.due, oldestDueSeconds: row.oldest_due_seconds };
  }

  /** Ends the lease of rows this process took but will not run (it is stopping): they are due again at once, for whoever runs next. */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await runSql(this.dataSource, RELEASE, [ids]);
  }
}
