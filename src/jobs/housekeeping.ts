import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { REPLAY_WINDOW_HOURS } from '../common/idempotency/idempotency.interceptor';
import { AppConfig } from '../config/app-config';

const HOUR_MS = 3_600_000;
const FIRST_RUN_MS = 60_000;
/** Rows per DELETE: a backlog is worked off in short statements, never one long lock. */
const BATCH = 5_000;

/** How many rows each kind of housekeeping deleted. */
export interface HousekeepingResult {
  outbox: number;
  idempotencyKeys: number;
  webhookDeliveries: number;
  webhookEvents: number;
}

/**
 * Deletes what has served its purpose, a minute after start and then hourly, in every API and
 * worker process (the deletes are idempotent, so processes doing it side by side only repeat a
 * no-op):
 * - outbox rows dispatched more than `OUTBOX_RETENTION_DAYS` ago (failed ones stay);
 * - `Idempotency-Key` records past their replay window;
 * - webhook deliveries finished (succeeded, failed, cancelled) more than
 *   `WEBHOOK_RETENTION_DAYS` ago, then the webhook events left without deliveries.
 * The audit log is never touched: it is append-only, and the database refuses deletes.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** A minute after start (so that processes restarted more often than hourly still do it; not in start-up itself), then hourly. */
  onApplicationBootstrap(): void {
    this.schedule(FIRST_RUN_MS);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.run()
        .catch((error: Error) => this.logger.warn(`housekeeping failed: ${error.message}`))
        .finally(() => this.schedule(HOUR_MS));
    }, delayMs);
    this.timer.unref();
  }

  async run(): Promise<HousekeepingResult> {
    const { outboxDays, webhookDays } = this.config.retention;
    const result: HousekeepingResult = {
      outbox: await this.inBatches(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE dispatched_at < now() - make_interval(days => $1) LIMIT $2)`,
        [outboxDays],
      ),
      idempotencyKeys: await this.inBatches(
        `DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
        [REPLAY_WINDOW_HOURS],
      ),
      webhookDeliveries: await this.inBatches(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < now() - make_interval(days => $1) LIMIT $2)`,
        [webhookDays],
      ),
      webhookEvents: await this.inBatches(
        `DELETE FROM webhook_events WHERE id IN (
           SELECT e.id FROM webhook_events e
           WHERE e.created_at < now() - make_interval(days => $1)
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.organization_id = e.organization_id AND d.event_id = e.id)
           LIMIT $2)`,
        [webhookDays],
      ),
    };
    if (Object.values(result).some((count) => count > 0)) this.logger.log(`deleted ${JSON.stringify(result)}`);
    return result;
  }

  private async inBatches(sql: string, values: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted]: [unknown, number] = await this.dataSource.query(sql, [...values, BATCH]);
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
