import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { JobRegistry, OutboxJob } from './job-registry';
import { JobTransport } from './transport';

interface OutboxRow {
  id: string;
  organization_id: string;
  topic: OutboxJob['topic'];
  payload: Record<string, unknown>;
  attempts: number;
}

/** A claimed row is invisible to other dispatchers for this long; after a crash it comes back. */
const LEASE_SECONDS = 300;
const BATCH = 50;
const MAX_ATTEMPTS = 12;

/**
 * Turns committed outbox rows into jobs. Rows are leased with SKIP LOCKED, so any number of
 * API and worker processes can dispatch side by side; a row is marked dispatched only once
 * every consumer of its topic has its job (queued on Redis, or run here without Redis).
 * When Redis is down, rows simply wait and are retried with backoff: nothing is lost.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxDispatcher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly transport: JobTransport,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.jobs.dispatch) return;
    const poll = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.drain().finally(poll), this.config.jobs.pollMs);
    };
    poll();
  }

  /** Before shutdown, while the database and the job processors still work: finish what runs. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Dispatches everything that is due now; resolves when the outbox has nothing due. */
  drain(): Promise<void> {
    this.running ??= (async () => {
      try {
        while (!this.stopped && (await this.dispatchBatch()) > 0);
      } catch (error) {
        this.logger.warn(`outbox dispatch failed: ${(error as Error).message}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async dispatchBatch(): Promise<number> {
    // For UPDATE … RETURNING, TypeORM answers [rows, affected count].
    const [rows]: [OutboxRow[], number] = await this.dataSource.query(
      `UPDATE outbox SET available_at = now() + make_interval(secs => $2)
       WHERE id IN (
         SELECT id FROM outbox WHERE dispatched_at IS NULL AND failed_at IS NULL AND available_at <= now()
         ORDER BY available_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, organization_id, topic, payload, attempts`,
      [BATCH, LEASE_SECONDS],
    );
    // Queued on Redis, a batch's rows are marked in one statement once all are handed over
    // (under load every create-spend leaves two rows). Until then they stay leased; a crash
    // before it hands them over again, which makes no second job: job ids come from the row.
    // Run here (no Redis), each row is marked as soon as its jobs ran, as they may take long.
    const delivered: string[] = [];
    try {
      for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
        if (!(await this.dispatch(row))) continue;
        if (this.transport.queued) delivered.push(String(row.id));
        else await this.markDispatched([String(row.id)]);
      }
    } finally {
      if (delivered.length > 0) await this.markDispatched(delivered);
    }
    return rows.length;
  }

  private async markDispatched(ids: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** Hands the row to every consumer of its topic; answers false (and reschedules it) if one failed. */
  private async dispatch(row: OutboxRow): Promise<boolean> {
    const job: OutboxJob = { outboxId: String(row.id), organizationId: row.organization_id, topic: row.topic, payload: row.payload };
    const attempt = { number: row.attempts + 1, last: row.attempts + 1 >= MAX_ATTEMPTS };
    try {
      for (const consumer of this.registry.forTopic(row.topic)) {
        await this.transport.deliver(consumer, `${row.id}-${consumer.name}`, job, attempt);
      }
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = (error as Error).message?.slice(0, 2000) ?? String(error);
      // Exponential backoff from 1 s, capped at 10 minutes.
      const delay = Math.min(600, 2 ** (attempts - 1));
      await this.dataSource.query(
        `UPDATE outbox SET attempts = $2::int, last_error = $3,
           available_at = now() + make_interval(secs => $4::int),
           failed_at = CASE WHEN $2::int >= $5::int THEN now() END
         WHERE id = $1`,
        [row.id, attempts, message, delay, MAX_ATTEMPTS],
      );
      this.logger.warn(`outbox row ${row.id} (${row.topic}) attempt ${attempts} failed: ${message}`);
      return false;
    }
  }
}
