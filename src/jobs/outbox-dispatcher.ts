import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { outboxPayloadProblem } from '../common/outbox/outbox-events';
import { AppConfig } from '../config/app-config';
import { JobLane } from './job-lane';
import { JobRegistry } from './job-registry';
import { LeasedRow, OutboxRepository } from './outbox.repository';
import { JobTransport } from './transport';

/** A claimed row is invisible to other dispatchers for this long; after a crash it comes back. */
const LEASE_SECONDS = 300;
const BATCH = 50;
const MAX_ATTEMPTS = 12;

/**
 * Turns committed outbox rows into jobs. Rows are leased with SKIP LOCKED, so any number of
 * API and worker processes can dispatch side by side; a row is marked dispatched only once
 * every consumer of its topic has its job (queued on Redis, or run here without Redis).
 * When Redis is down, rows simply wait and are retried with backoff: nothing is lost.
 *
 * Run here (no Redis), jobs run one after another as rows are taken, except those of a
 * consumer with a lane of its own (OCR): they run beside, and the dispatcher goes on at once.
 * Such a row stays leased until its job has run and is marked only then, so a crash meanwhile
 * loses nothing: the lease lapses and the row comes back.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxDispatcher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** By consumer name; made on first use. */
  private readonly lanes = new Map<string, JobLane>();

  constructor(
    private readonly outbox: OutboxRepository,
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

  /**
   * Before shutdown, while the database and the job processors still work: finish what runs.
   * Rows waiting in a lane are handed back at once rather than when their lease lapses.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(
      [...this.lanes.values()].map(async (lane) => {
        const waiting = await lane.stop();
        await this.outbox
          .release(waiting)
          .catch((error: Error) => this.logger.warn(`outbox rows ${waiting.join(', ')} stay leased: ${error.message}`));
      }),
    );
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
    const rows = await this.outbox.leaseDue(BATCH, LEASE_SECONDS);
    // Queued on Redis, a batch's rows are marked in one statement once all are handed over
    // (under load every create-spend leaves two rows). Until then they stay leased; a crash
    // before it hands them over again, which makes no second job: job ids come from the row.
    // Run here (no Redis), each row is marked as soon as its jobs ran, as they may take long.
    const delivered: string[] = [];
    try {
      for (const row of rows) {
        const lane = this.transport.queued ? undefined : this.laneFor(row.topic);
        if (lane) {
          // A row the lane has already (leased again after its lease lapsed while it waited or
          // ran) is not added twice; the new lease keeps it from the other dispatchers.
          lane.add(row.outboxId, () => this.runInLane(row));
          continue;
        }
        if (!(await this.dispatch(row))) continue;
        if (this.transport.queued) delivered.push(row.outboxId);
        else await this.outbox.markDispatched([row.outboxId]);
      }
    } finally {
      if (delivered.length > 0) await this.outbox.markDispatched(delivered);
    }
    return rows.length;
  }

  /** The lane for rows of a topic that a consumer with a lane of its own takes; all of such a row's jobs run there. */
  private laneFor(topic: LeasedRow['topic']): JobLane | undefined {
    const consumer = this.registry.forTopic(topic).find((c) => c.ownLane);
    if (!consumer) return undefined;
    let lane = this.lanes.get(consumer.name);
    if (!lane) this.lanes.set(consumer.name, (lane = new JobLane(consumer.concurrency)));
    return lane;
  }

  /** A row's jobs in its lane; the row is marked once they ran, or rescheduled when one failed. */
  private async runInLane(row: LeasedRow): Promise<void> {
    try {
      if (await this.dispatch(row)) await this.outbox.markDispatched([row.outboxId]);
    } catch (error) {
      // The bookkeeping failed (the database went away): the lease lapses and the row runs again, which consumers are idempotent for.
      this.logger.warn(`outbox row ${row.outboxId} (${row.topic}): ${(error as Error).message}`);
    }
  }

  /**
   * Hands the row to every consumer of its topic; answers false (and reschedules it) if one
   * failed. A row whose payload does not say what its topic needs is refused before any
   * consumer sees it, once: it would fail the same way on every try.
   */
  private async dispatch(row: LeasedRow): Promise<boolean> {
    const { attempts: before, ...job } = row;
    const problem = outboxPayloadProblem(job.topic, job.payload);
    if (problem) {
      const message = `malformed ${job.topic} payload: ${problem}`;
      this.logger.error(`outbox row ${job.outboxId}: ${message}; not retried`);
      await this.outbox.refuse(job.outboxId, message);
      return false;
    }
    const attempt = { number: before + 1, last: before + 1 >= MAX_ATTEMPTS };
    try {
      for (const consumer of this.registry.forTopic(job.topic)) {
        await this.transport.deliver(consumer, `${job.outboxId}-${consumer.name}`, job, attempt);
      }
      return true;
    } catch (error) {
      const attempts = before + 1;
      const message = (error as Error).message?.slice(0, 2000) ?? String(error);
      // Exponential backoff from 1 s, capped at 10 minutes.
      await this.outbox.reschedule(job.outboxId, attempts, message, Math.min(600, 2 ** (attempts - 1)), MAX_ATTEMPTS);
      this.logger.warn(`outbox row ${job.outboxId} (${job.topic}) attempt ${attempts} failed: ${message}`);
      return false;
    }
  }
}
