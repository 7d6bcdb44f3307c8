import { Injectable, Logger } from '@nestjs/common';
import { OutboxLag, OutboxRepository } from '../jobs/outbox.repository';
import { JobTransport, QueueStats } from '../jobs/transport';

/** How long a scrape or a readiness probe waits for the outbox's or the queues' figures. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * What waits to be consumed: the outbox's backlog and lag, and the queues' depths. Each look
 * is bounded by PROBE_TIMEOUT_MS and answers null when it fails or times out (logged once per
 * outage), so that neither a scrape nor a readiness probe fails because of it.
 */
@Injectable()
export class BacklogProbe {
  private readonly logger = new Logger('BacklogProbe');
  private readonly failing = new Set<string>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: JobTransport,
  ) {}

  outboxLag(): Promise<OutboxLag | null> {
    return this.bounded('outbox', () => this.outbox.lag());
  }

  queues(): Promise<QueueStats[] | null> {
    return this.bounded('queues', () => this.transport.queueStats());
  }

  private async bounded<T>(what: string, look: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        look(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
        }),
      ]);
      if (this.failing.delete(what)) this.logger.log(`${what} figures answer again`);
      return result;
    } catch (error) {
      if (!this.failing.has(what)) this.logger.warn(`${what} figures unavailable: ${(error as Error).message}`);
      this.failing.add(what);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
