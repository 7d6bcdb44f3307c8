import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { REPLAY_WINDOW_HOURS } from '../common/idempotency/idempotency.interceptor';
import { AppConfig } from '../config/app-config';
import { HousekeepingRepository } from './housekeeping.repository';

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
  /** Stored reports past their retention whose files were deleted (a task the reports module adds). */
  expiredReports: number;
}

/** A housekeeping task of another module: does its hourly work and answers how many things it removed. */
export type HousekeepingTask = () => Promise<number>;

/**
 * Deletes what has served its purpose, a minute after start and then hourly, in every API and
 * worker process (the deletes are idempotent, so processes doing it side by side only repeat a
 * no-op):
 * - outbox rows dispatched more than `OUTBOX_RETENTION_DAYS` ago (failed ones stay);
 * - `Idempotency-Key` records past their replay window;
 * - webhook deliveries finished (succeeded, failed, cancelled) more than
 *   `WEBHOOK_RETENTION_DAYS` ago, then the webhook events left without deliveries.
 * - the tasks other modules add (`addTask`): stored reports past REPORT_RETENTION_HOURS.
 * The audit log is never touched: it is append-only, and the database refuses deletes.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly tasks = new Map<'expiredReports', HousekeepingTask>();

  constructor(
    private readonly repository: HousekeepingRepository,
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

  /** A module's hourly task, run after the deletes above (jobs know no domain: the domain registers here). */
  addTask(name: 'expiredReports', task: HousekeepingTask): void {
    this.tasks.set(name, task);
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
      outbox: await inBatches((limit) => this.repository.deleteDispatchedOutbox(outboxDays, limit)),
      idempotencyKeys: await inBatches((limit) =>
        this.repository.deleteExpiredIdempotencyKeys(REPLAY_WINDOW_HOURS, limit),
      ),
      webhookDeliveries: await inBatches((limit) =>
        this.repository.deleteFinishedWebhookDeliveries(webhookDays, limit),
      ),
      webhookEvents: await inBatches((limit) => this.repository.deleteUndeliveredWebhookEvents(webhookDays, limit)),
      expiredReports: (await this.tasks.get('expiredReports')?.()) ?? 0,
    };
    if (Object.values(result).some((count) => count > 0)) this.logger.log(`deleted ${JSON.stringify(result)}`);
    return result;
  }
}

/** Deletes batch after batch until one comes back short; answers the total. */
async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(BATCH);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
