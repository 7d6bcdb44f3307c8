// First: tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) must start before http, pg and ioredis load.
import './common/tracing/register-worker';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { DailyBackup } from './backups/daily-backup';
import { ConfigError } from './config/config-error';
import { loadDotEnv } from './config/env-file';
import { EmbeddedDatabaseError } from './database/embedded-postgres';
import { pendingMigrations } from './database/migrations';
import { resolveDatabase, ResolvedDatabase } from './database/runtime';
import { MetricsScrape } from './health/metrics-scrape';
import { Readiness } from './health/readiness';
import { startWorkerHealthServer } from './health/worker-health-server';
import { shutdownTracing } from './common/tracing/tracing';

/**
 * The queue worker: the same modules as the API, no HTTP listener. It dispatches committed
 * outbox rows to Redis and runs the jobs (OCR, notifications, webhook deliveries). Any number
 * may run side by side. It needs REDIS_URL: without Redis the API process runs the jobs itself.
 * Without DATABASE_URL it uses the embedded PostgreSQL of its DATA_DIR, shared with the API.
 */
async function main(): Promise<void> {
  loadDotEnv();
  if (!process.env.REDIS_URL) {
    throw new ConfigError([
      'REDIS_URL: the worker takes its jobs from Redis; without Redis the API runs jobs itself and no worker is needed',
    ]);
  }
  const database = await resolveDatabase(process.env, 'worker');
  try {
    await work(database);
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
}

async function work(database: ResolvedDatabase): Promise<void> {
  const { config } = database;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('Worker');
  const pending = await pendingMigrations(app.get(DataSource));
  if (pending.length > 0)
    throw new Error(`The database has pending migrations (${pending.join(', ')}); run \`npm run migration:run\` first`);
  const health =
    config.worker.healthPort === undefined
      ? undefined
      : await startWorkerHealthServer(
          app.get(Readiness),
          config.worker.healthPort,
          config.host,
          config.metrics.enabled ? { scrape: app.get(MetricsScrape), settings: config.metrics } : undefined,
        );
  const dailyBackup = new DailyBackup(config);
  dailyBackup.start();
  logger.log('Spendin worker running');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received; finishing running jobs and shutting down`);
    health?.close();
    await dailyBackup.stop();
    await app.close();
    await database.stop();
    await shutdownTracing();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof EmbeddedDatabaseError;
  process.stderr.write(
    `${known ? error.message : `Spendin worker failed to start: ${(error as Error)?.stack ?? String(error)}`}\n`,
  );
  process.exit(1);
});
