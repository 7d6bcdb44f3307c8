import { getQueueToken, getSharedConfigToken, type BullRootModuleOptions } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import Bull from 'bull';
import type { RegisteredConsumer, OutboxRow } from './job-registry';
import { OutboxRepository } from './outbox.repository';
import { JOB_QUEUES } from './job-queues';
import { JobTransport, QueueStats } from './transport';
import { outboxPayloadProblem } from '../common/outbox/outbox-events';
import { inJobSpan } from '../common/tracing/trace-context';

/**
 * What a job on Redis carries: its outbox row's id, and nothing a worker acts on. Anyone who
 * can write to Redis (or to a queue board) can put a job there; what it does is read from the
 * committed row, so a job made by hand can at most repeat what a row already said.
 */
export interface QueuedJob {
  outboxId: string;
}

/** How long a stopping process waits for its running jobs (below Kubernetes' default 30 s). */
const SHUTDOWN_GRACE_MS = 25_000;

/**
 * Bull's settings for every queue, given to `BullModule.forRoot` (JobsModule, with REDIS_URL).
 * A job whose worker died (SIGKILL, OOM) is picked up again once its lock expires.
 */
export function bullRootOptions(redisUrl: string, prefix: string, lockSeconds: number): BullRootModuleOptions {
  return {
    url: redisUrl,
    prefix,
    settings: { lockDuration: lockSeconds * 1000, stalledInterval: lockSeconds * 500, maxStalledCount: 3 },
  };
}

/**
 * Bull queues on Redis, one per consumer, made by `@nestjs/bull` (BullModule, JobsModule). A
 * job's id is derived from its outbox row, so a row dispatched twice (a crash between enqueue
 * and bookkeeping) still makes one job. A job holds only that row's id; the worker loads the
 * row and hands the consumer what it says.
 */
@Injectable()
export class BullTransport extends JobTransport {
  readonly queued = true;
  private readonly logger = new Logger('BullTransport');
  private readonly queues = new Map<string, Bull.Queue<QueuedJob>>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(getSharedConfigToken()) private readonly options: BullRootModuleOptions,
    private readonly outbox: OutboxRepository,
  ) {
    super();
  }

  /** The queue of one consumer: BullModule's (`@InjectQueue(name)` elsewhere), else made on first use; for the queue board. */
  queue(name: string): Bull.Queue<QueuedJob> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.registered(name);
      // A consumer outside JOB_QUEUES: a queue made the way BullModule makes its own (close() closes it).
      queue ??= new Bull<QueuedJob>(name, this.options.url!, this.options);
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private registered(name: string): Bull.Queue<QueuedJob> | undefined {
    try {
      return this.moduleRef.get<Bull.Queue<QueuedJob>>(getQueueToken(name), { strict: false });
    } catch {
      return undefined;
    }
  }

  async deliver(consumer: RegisteredConsumer, jobId: string, job: OutboxRow): Promise<void> {
    await withTimeout(
      this.queue(consumer.name).add(
        { outboxId: job.outboxId },
        {
          jobId,
          attempts: consumer.attempts,
          backoff: { type: 'exponential', delay: consumer.backoffMs },
          removeOnComplete: 1000,
          removeOnFail: false,
        },
      ),
      5_000,
      'Redis did not accept the job in time',
    );
  }

  async work(consumers: RegisteredConsumer[]): Promise<void> {
    for (const consumer of consumers) {
      void this.queue(consumer.name).process(consumer.concurrency, async (job) => {
        const row = await this.rowOf(consumer, job);
        if (!row) return;
        // Bull counts the tries that failed; a job taken over from a dead worker is not one.
        const number = job.attemptsMade + 1;
        await inJobSpan(consumer.name, row, () =>
          consumer.handle(row, { number, last: number >= (job.opts.attempts ?? 1) }),
        );
      });
    }
  }

  /**
   * The outbox row a job stands for, when the job is one the dispatcher could have made: its
   * id is `<row id>-<consumer>` and the row exists, of a topic this consumer takes. Anything
   * else completes without effect (and is logged): a job put on the queue by hand, or one
   * whose row housekeeping has deleted (dispatched more than OUTBOX_RETENTION_DAYS ago).
   */
  private async rowOf(consumer: RegisteredConsumer, job: Bull.Job<QueuedJob>): Promise<OutboxRow | null> {
    const outboxId = (job.data as Partial<QueuedJob> | null)?.outboxId;
    if (typeof outboxId !== 'string' || String(job.id) !== `${outboxId}-${consumer.name}`) {
      this.logger.warn(`queue ${consumer.name}: job ${job.id} was not made from an outbox row; ignored`);
      return null;
    }
    const row = await this.outbox.findForJob(outboxId);
    if (!row) {
      this.logger.warn(
        `queue ${consumer.name}: job ${job.id} names outbox row ${outboxId}, which does not exist (never did, or housekeeping deleted it); ignored`,
      );
      return null;
    }
    if (!(consumer.topics as readonly string[]).includes(row.topic)) {
      this.logger.warn(
        `queue ${consumer.name}: job ${job.id} names outbox row ${outboxId} of topic ${row.topic}, which this consumer does not take; ignored`,
      );
      return null;
    }
    // The dispatcher checked the row before it made the job; checked again, as the row is read again.
    const problem = outboxPayloadProblem(row.topic, row.payload);
    if (problem) {
      const message = `malformed ${row.topic} payload in outbox row ${outboxId}: ${problem}`;
      this.logger.error(`queue ${consumer.name}: job ${job.id}: ${message}; not retried`);
      // Failed for good: a retry would read the same row.
      await job.discard();
      throw new Error(message);
    }
    return row;
  }

  async ping(): Promise<boolean> {
    try {
      const client = await this.queue(JOB_QUEUES[0]).client;
      return (await withTimeout(client.ping(), 2_000, 'timeout')) === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * Counts per state of every consumer's queue, and when the oldest waiting job became due
   * (made, or put back after a failed try or a delay): a queue whose oldest job waits long has
   * nobody taking its jobs. A few Redis round trips per queue, whatever the depth.
   */
  override async queueStats(): Promise<QueueStats[]> {
    return Promise.all(
      JOB_QUEUES.map(async (name) => {
        const queue = this.queue(name);
        const counts = await queue.getJobCounts();
        const [oldest] = counts.waiting > 0 ? await queue.getWaiting(0, 0) : [];
        const since = oldest
          ? Math.max(oldest.timestamp + (oldest.opts.delay ?? 0), oldest.finishedOn ?? 0, oldest.processedOn ?? 0)
          : null;
        return {
          queue: name,
          waiting: counts.waiting,
          active: counts.active,
          delayed: counts.delayed,
          failed: counts.failed,
          oldestWaitingSince: since,
        };
      }),
    );
  }

  /**
   * Stops taking jobs and waits for the running ones, at most SHUTDOWN_GRACE_MS: a job cut
   * off after that is picked up again by another worker once its lock expires. Runs before
   * BullModule closes its queues at application shutdown, which then finds them closed.
   */
  async close(): Promise<void> {
    await Promise.all(
      [...this.queues.entries()].map(([name, queue]) =>
        withTimeout(queue.close(), SHUTDOWN_GRACE_MS, 'running jobs did not finish in time').catch((error: Error) =>
          this.logger.warn(`queue ${name} closed without waiting: ${error.message}`),
        ),
      ),
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
