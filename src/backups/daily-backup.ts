import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';
import { dataSourceOptions } from '../database/data-source-options';
import { dailyBackupDue, parseDailyAt } from './backup-set';
import { Backups } from './backups.service';

/** How often a worker looks whether the daily backup is due. */
const CHECK_MS = 60_000;

export type DailyOutcome = 'not-due' | 'busy' | 'done-elsewhere' | 'written';

/**
 * The scheduled backup (BACKUP_DAILY_AT, UTC) of the worker processes: once a day across all of
 * them. Each worker looks every minute; the one that takes the advisory lock looks again at the
 * sets (one started at or after today's time means another worker has done it) and writes the
 * set, the others skip. The set's directory is the record, so it must be the same for every
 * worker (a shared volume), as the receipts' is.
 */
export class DailyBackup {
  private readonly logger = new Logger('DailyBackup');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly config: AppConfig) {}

  start(): void {
    if (!this.config.backup.dailyAt) return;
    this.logger.log(`Daily backup at ${this.config.backup.dailyAt} UTC into ${this.config.backup.dir}`);
    this.timer = setInterval(() => {
      this.running ??= this.tick(new Date())
        .catch((error: Error) => this.logger.error(`Daily backup failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, CHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look: writes today's set when it is due and no other worker is writing or has written it. */
  async tick(now: Date): Promise<DailyOutcome> {
    const minutes = parseDailyAt(this.config.backup.dailyAt!);
    const { dir, keep } = this.config.backup;
    const sets = async () => (existsSync(dir) ? readdir(dir) : []);
    if (!dailyBackupDue(now, minutes, await sets())) return 'not-due';
    const url = this.config.backup.databaseUrl ?? this.config.database.migrationUrl ?? this.config.database.url!;
    const dataSource = await new DataSource(dataSourceOptions(url, { poolSize: 1, entities: [] })).initialize();
    try {
      const outcome = await withAdvisoryLock(dataSource, 'spendin:daily-backup', { wait: false }, async () => {
        if (!dailyBackupDue(now, minutes, await sets())) return 'done-elsewhere' as const;
        await new Backups(this.config, (line) => this.logger.log(line)).backup({ to: dir, keep });
        return 'written' as const;
      });
      return outcome ?? 'busy';
    } finally {
      await dataSource.destroy();
    }
  }
}
