import type { RegisteredConsumer, JobAttempt, OutboxRow } from './job-registry';

/** One queue's jobs by state, and since when its oldest waiting job has waited (null: none waits). */
export interface QueueStats {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingSince: number | null;
}

/**
 * How jobs travel: through Redis and Bull to any number of worker processes (REDIS_URL), or
 * run right here in the API process (the embedded default). The logic is the same either way.
 */
export abstract class JobTransport {
  /** true: `deliver` only hands the job over and the transport retries it; false: `deliver` runs it. */
  abstract readonly queued: boolean;
  /**
   * Hands one consumer's job over; throws when that is not possible right now. `attempt` is
   * the outbox row's: it counts the tries of a job run right here, not of one queued on Redis.
   */
  abstract deliver(consumer: RegisteredConsumer, jobId: string, job: OutboxRow, attempt: JobAttempt): Promise<void>;
  /** Starts running consumers' jobs in this process (the worker; the API without Redis). */
  abstract work(consumers: RegisteredConsumer[]): Promise<void>;
  abstract close(): Promise<void>;
  /** Health: can jobs be handed over now? */
  abstract ping(): Promise<boolean>;
  /** The queues' depths, for metrics and readiness; none without queues (jobs then wait in the outbox). */
  queueStats(): Promise<QueueStats[]> {
    return Promise.resolve([]);
  }
}
