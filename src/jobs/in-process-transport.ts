import type { RegisteredConsumer, JobAttempt, OutboxRow } from './job-registry';
import { JobTransport } from './transport';
import { inJobSpan } from '../common/tracing/trace-context';

/**
 * Without Redis, the dispatcher runs each job itself, in the API process, from the outbox row
 * it has just leased (so a job is never anything but a committed row); the row is the job's
 * record, retried with backoff until every consumer of it has succeeded.
 */
export class InProcessTransport extends JobTransport {
  readonly queued = false;

  async deliver(consumer: RegisteredConsumer, _jobId: string, job: OutboxRow, attempt: JobAttempt): Promise<void> {
    await inJobSpan(consumer.name, job, () => consumer.handle(job, attempt));
  }

  async work(): Promise<void> {
    // Jobs run as the dispatcher delivers them.
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
