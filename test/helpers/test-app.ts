import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig } from '../../src/config/app-config';
import { cloneTemplate, dropDatabase } from '../setup/suite-database';
import { Given } from './given';
import { Caller, CallerRequests, requestsAs } from './requests';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
/**
 * The keys every process of a deployment shares. The suites' in-process apps and the processes
 * they start (test/helpers/processes.ts) use these, so that an API and a worker of one test,
 * each with a DATA_DIR of its own, key the audit chain and seal webhook secrets alike.
 */
export const TEST_AUDIT_KEY = 'test-audit-key-that-is-long-enough-0123456789abcdef';
export const TEST_SECRETS_KEY = Buffer.from('test-secrets-key-32-bytes-long!!').toString('base64');

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  config: AppConfig;
  dataSource: DataSource;
  /** The suite's database URL, for tests that talk SQL or start processes against it. */
  databaseUrl: string;
  given: Given;
  /** Requests on behalf of `caller` (its bearer token) against /api/v1. */
  as: (caller: Caller) => CallerRequests;
  /** Stops the app and drops its database, unless `keepDatabase` (for another app to start on it). */
  close: (options?: { keepDatabase?: boolean }) => Promise<void>;
}

/**
 * Boots the real application (every module, the same HTTP setup as `main.ts`) against a
 * fresh clone of the migrated template database, or against `on` (the database of an app
 * closed with `keepDatabase`, as a restart would). `env` overrides settings for one suite.
 */
export async function createTestApp(env: Record<string, string> = {}, on?: TestApp): Promise<TestApp> {
  const database = on ? new URL(on.databaseUrl).pathname.slice(1) : `spendin_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = on ? on.databaseUrl : await cloneTemplate(database);
  const config = AppConfig.fromEnv({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    AUDIT_KEY: TEST_AUDIT_KEY,
    SECRETS_KEY: TEST_SECRETS_KEY,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'spendin-test-data-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // One connection: a use case that asks for a second connection while holding one (a
    // deadlock under load) fails here at once instead of in production.
    DATABASE_POOL_SIZE: '1',
    // With Redis (CI's first pass) jobs go through Bull, in a queue namespace of the suite's own.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, JOBS_IN_API: 'true', QUEUE_PREFIX: database } : {}),
    OUTBOX_POLL_MS: '50',
    // Argon2id at 1 MiB and one pass (NODE_ENV=test only): the suites create thousands of users,
    // and at the production cost each login and user costs ~0.3 s of a core. The processes the
    // suites start (test/helpers/processes.ts) keep the production cost.
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_TIME_COST: '1',
    // One OCR worker per suite: two suites run at once on a two-core machine.
    OCR_WORKERS: '1',
    // The suites send far more requests per minute per user and address than a person would:
    // test/rate-limits.e2e-spec.ts turns the limit on with limits of its own.
    RATE_LIMIT_ENABLED: 'false',
    ...env,
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: false,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.init();
  const http = app.getHttpServer() as App;
  const dataSource = app.get(DataSource);
  return {
    app,
    http,
    config,
    dataSource,
    databaseUrl,
    given: new Given(app, http),
    as: (caller) => requestsAs(http, caller),
    close: async (options = {}) => {
      await app.close();
      if (!options.keepDatabase) await dropDatabase(database);
    },
  };
}
