// First: tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) must start before http and pg load.
import './common/tracing/register-api';
import 'reflect-metadata';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { reportListening, runPrimary, workerConfig } from './cluster';
import { ChainKeying } from './audit/chain-keying';
import { configureApp } from './app.setup';
import { ConfigError } from './config/config-error';
import { loadDotEnv } from './config/env-file';
import { EmbeddedDatabaseError } from './database/embedded-postgres';
import { resolveDatabase, ResolvedDatabase } from './database/runtime';
import { BootstrapService } from './organizations/bootstrap.service';
import { firstRun, localUrl, prepareSchema } from './startup';
import { shutdownTracing } from './common/tracing/tracing';

/**
 * V8 lets the old generation grow to up to about four times what survived the last full
 * collection before collecting again. Under load most of what it then holds is garbage: requests
 * that waited for a pool connection long enough to be promoted. Measured with `npm run
 * bench:api` (64 connections): resident memory 365 MB by default, ~200-230 MB growing by 30%,
 * and throughput was not lower but higher (a smaller heap to mark and keep in cache). A value
 * given on the command line or in NODE_OPTIONS wins.
 */
function boundHeapGrowth(percent: number): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) =>
    /^--heap[-_]growing[-_]percent/.test(arg),
  );
  if (!given) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** How long a stopping API lets requests in flight finish: orchestrators wait 10 s after SIGTERM by default. */
const DRAIN_MS = 8_000;

/**
 * Stops taking connections and waits for the requests in flight, at most `DRAIN_MS`. Nest's
 * `app.close()` waits for every connection to end before the database closes, and clients that
 * keep a keep-alive connection busy would hold it open for good: so each answer from now on
 * carries `Connection: close` (see `main`), idle connections close at once, and after the
 * grace period the rest are cut.
 */
async function drain(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, DRAIN_MS);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  boundHeapGrowth(30);
  loadDotEnv();
  if (cluster.isWorker) {
    // The primary started the database and migrated it; it also stops it.
    return serve({ config: await workerConfig(), stop: async () => undefined }, { migrated: true });
  }
  const database = await resolveDatabase();
  try {
    if (database.config.webConcurrency > 1) await runPrimary(database);
    else await serve(database);
  } catch (error) {
    // The embedded database stays up only for the processes that still use it.
    await database.stop().catch(() => undefined);
    throw error;
  }
}

async function serve(database: ResolvedDatabase, options: { migrated?: boolean } = {}): Promise<void> {
  const { config } = database;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  let stopping = false;
  app.use((_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    if (stopping) response.setHeader('Connection', 'close');
    next();
  });
  configureApp(app, config);
  const logger = new Logger('Startup');
  if (!(options.migrated && config.database.migrateOnStart)) await prepareSchema(app.get(DataSource), config, logger);
  await app.get(ChainKeying).keyUnkeyedChains();
  await firstRun(app.get(BootstrapService), config);
  await app.listen(config.port, config.host);
  logger.log(`Spendin API on ${localUrl(config)} (docs at /docs)`);
  reportListening();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received; draining requests and shutting down`);
    await drain(app.getHttpServer() as Server);
    await app.close();
    await database.stop();
    await shutdownTracing();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof EmbeddedDatabaseError
      ? error.message
      : `Spendin failed to start: ${(error as Error)?.stack ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
