import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
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
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxDispatcher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

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
    const rows = await this.outbox.leaseDue(BATCH, LEASE_SECONDS);
    // Queued on Redis, a batch's rows are marked in one statement once all are handed over
    // (under load every create-spend leaves two rows). Until then they stay leased; a crash
    // before it hands them over again, which makes no second job: job ids come from the row.
    // Run here (no Redis), each row is marked as soon as its jobs ran, as they may take long.
    const delivered: string[] = [];
    try {
      for (const row of rows) {
        if (!(await this.dispatch(row))) continue;
        if (this.transport.queued) delivered.push(row.outboxId);
        else await this.outbox.markDispatched([row.outboxId]);
      }
    } finally {
      if (delivered.length > 0) await this.outbox.markDispatched(delivered);
    }
    return rows.length;
  }

  /** Hands the row to every consumer of its topic; answers false (and reschedules it) if one failed. */
  private async dispatch(row: LeasedRow): Promise<boolean> {
    const { attempts: before, ...job } = row;
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
