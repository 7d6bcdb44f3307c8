import { Logger } from '@nestjs/common';
import Bull from 'bull';
import type { Consumer, OutboxJob } from './job-registry';
import { JobTransport } from './transport';

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
  ) {
    super();
  }

  private queue(name: string): Bull.Queue<OutboxJob> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Bull<OutboxJob>(name, this.redisUrl, {
        prefix: this.prefix,
        // A job whose worker died (SIGKILL, OOM) is picked up again once its lock expires.
        settings: { lockDuration: 60_000, stalledInterval: 30_000, maxStalledCount: 3 },
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
      void this.queue(consumer.name).process(consumer.concurrency, (job) => consumer.handle(job.data));
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

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}
