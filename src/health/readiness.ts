import { Injectable, Logger } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { JobTransport } from '../jobs/transport';
import { ReceiptStorage } from '../receipts/storage/receipt-storage';
import { BacklogProbe } from './backlog-probe';
import { StalledPart, stalledParts } from './stall';

/**
 * Terminus' report, or the same with `status: "degraded"` and the stalled parts under
 * `degraded` (and in `details`): every dependency answers, but something waits unconsumed.
 */
export type ReadinessReport =
  | HealthCheckResult
  | (Omit<HealthCheckResult, 'status'> & { status: 'degraded'; degraded: Record<string, StalledPart> });

/**
 * Whether this process can do its work: the database answers within 3 s, the queue (Redis)
 * when one is configured, and the receipts bucket when S3 is used. Served by the API at
 * /health/ready and by the worker on its health port. When all of that answers but an outbox
 * row has been due, or a queue's oldest job has waited, OUTBOX_STALL_MINUTES or longer, the
 * report says `degraded` and names the part, still with 200: this process is not at fault
 * (no worker consumes), and taking it out of the load balancer would only add an outage.
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger('Readiness');
  private storageDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly transport: JobTransport,
    private readonly storage: ReceiptStorage,
    private readonly backlog: BacklogProbe,
    private readonly config: AppConfig,
  ) {}

  /** Resolves when ready (or degraded); rejects with Terminus' 503 (whose response is the same report) when not. */
  async check(): Promise<ReadinessReport> {
    const result = await this.dependencies();
    const [lag, queues] = await Promise.all([this.backlog.outboxLag(), this.backlog.queues()]);
    const stalled = stalledParts(lag, queues ?? [], this.config.health.stallMinutes, Date.now());
    if (Object.keys(stalled).length === 0) return result;
    return { ...result, status: 'degraded', degraded: stalled, details: { ...result.details, ...stalled } };
  }

  private dependencies(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      async () => {
        const queue = this.indicators.check('queue');
        if (!this.transport.queued) return queue.up({ transport: 'in-process' });
        return (await this.transport.ping()) ? queue.up({ transport: 'redis' }) : queue.down({ transport: 'redis' });
      },
    ];
    const check = this.storage.check?.bind(this.storage);
    if (check) checks.push(() => this.storageCheck(check));
    return this.health.check(checks);
  }

  /** The bucket answers a HEAD within 3 s. Why it does not is logged once per outage, not on every probe. */
  private async storageCheck(check: () => Promise<void>) {
    const storage = this.indicators.check('storage');
    try {
      await check();
      if (this.storageDown) this.logger.log('receipt storage answers again');
      this.storageDown = false;
      return storage.up({ kind: this.storage.kind });
    } catch (error) {
      if (!this.storageDown) this.logger.warn(`receipt storage is down: ${(error as Error).message}`);
      this.storageDown = true;
      return storage.down({ kind: this.storage.kind });
    }
  }
}
