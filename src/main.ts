import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError } from './config/environment';
import { resolveDatabase } from './database/runtime';
import { BootstrapService } from './organizations/bootstrap.service';
import { firstRun, prepareSchema } from './startup';

async function main(): Promise<void> {
  const database = await resolveDatabase();
  const { config } = database;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  configureApp(app, config);
  const logger = new Logger('Startup');
  await prepareSchema(app.get(DataSource), config, logger);
  await firstRun(app.get(BootstrapService), config);
  await app.listen(config.port, config.host);
  logger.log(`Spendin API on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (docs at /docs)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received; draining requests and shutting down`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `Spendin failed to start: ${(error as Error)?.stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
