import { Logger } from '@nestjs/common';
import Bull from 'bull';
import type { Consumer, OutboxJob } from './job-registry';
import { JobTransport } from './transport';

/** How long a stopping process waits for its running jobs (below Kubernetes' default 30 s). */
const SHUTDOWN_GRACE_MS = 25_000;

/**
 * Bull queues on Redis, one per consumer. A job's id is derived from its outbox row, so a
 * row dispatched twice (a crash between enqueue and bookkeeping) still makes one job.
 */
export class BullTransport extends JobTransport {
  readonly queued = true;
  private readonly logger = new Logger('BullTransport');
  private readonly queues = new Map<string, Bull.Queue<OutboxJob>>();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly lockSeconds: number,
  ) {
    super();
  }

  /** The queue of one consumer (created on first use); for the queue board. */
  queue(name: string): Bull.Queue<OutboxJob> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Bull<OutboxJob>(name, this.redisUrl, {
        prefix: this.prefix,
        // A job whose worker died (SIGKILL, OOM) is picked up again once its lock expires.
        settings: { lockDuration: this.lockSeconds * 1000, stalledInterval: this.lockSeconds * 500, maxStalledCount: 3 },
      });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async deliver(consumer: Consumer, jobId: string, job: OutboxJob): Promise<void> {
    await withTimeout(
      this.queue(consumer.name).add(job, {
        jobId,
        attempts: consumer.attempts,
        backoff: { type: 'exponential', delay: consumer.backoffMs },
        removeOnComplete: 1000,
        removeOnFail: false,
      }),
      5_000,
      'Redis did not accept the job in time',
    );
  }

  async work(consumers: Consumer[]): Promise<void> {
    for (const consumer of consumers) {
      void this.queue(consumer.name).process(consumer.concurrency, (job) => {
        // Bull counts the tries that failed; a job taken over from a dead worker is not one.
        const number = job.attemptsMade + 1;
        return consumer.handle(job.data, { number, last: number >= (job.opts.attempts ?? 1) });
      });
    }
  }

  async ping(): Promise<boolean> {
    try {
      const client = await this.queue('health').client;
      return (await withTimeout(client.ping(), 2_000, 'timeout')) === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * Stops taking jobs and waits for the running ones, at most SHUTDOWN_GRACE_MS: a job cut
   * off after that is picked up again by another worker once its lock expires.
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
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}
