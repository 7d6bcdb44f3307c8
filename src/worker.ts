import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ConfigError } from './config/environment';
import { pendingMigrations } from './database/migrations';

/**
 * The queue worker: the same modules as the API, no HTTP listener. It dispatches committed
 * outbox rows to Redis and runs the jobs (OCR, notifications, webhook deliveries). Any number
 * may run side by side. It needs REDIS_URL and DATABASE_URL: without Redis the API process
 * runs the jobs itself, and the embedded database belongs to the API process.
 */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv(process.env, { role: 'worker' });
  if (!config.redisUrl || config.database.embedded) {
    throw new ConfigError(['REDIS_URL and DATABASE_URL: the worker needs both (without Redis the API runs jobs itself)']);
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('Worker');
  const pending = await pendingMigrations(app.get(DataSource));
  if (pending.length > 0) throw new Error(`The database has pending migrations (${pending.join(', ')}); run \`npm run migration:run\` first`);
  logger.log('Spendin worker running');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received; finishing running jobs and shutting down`);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Spendin worker failed to start: ${(error as Error)?.stack ?? String(error)}`}\n`);
  process.exit(1);
});
