import { Injectable, Logger } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { JobTransport } from '../jobs/transport';
import { ReceiptStorage } from '../receipts/storage/receipt-storage';

/**
 * Whether this process can do its work: the database answers within 3 s, the queue (Redis)
 * when one is configured, and the receipts bucket when S3 is used. Served by the API at
 * /health/ready and by the worker on its health port.
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
  ) {}

  /** Resolves when ready; rejects with Terminus' 503 (whose response is the same report) when not. */
  check(): Promise<HealthCheckResult> {
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
