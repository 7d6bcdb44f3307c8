import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricsSettings } from '../common/metrics/metrics-access';
import { Environment, parseEnvironment } from './environment';
import { parseTrustProxy } from './environment-values';
import {
  CorsSettings,
  corsSettings,
  HttpTimeouts,
  httpTimeouts,
  RateLimitSettings,
  rateLimitSettings,
} from './http-settings';
import { PasswordHashCost, passwordHashCost } from './password-hash-cost';
import {
  QueueBoardSettings,
  queueBoardSettings,
  requireProductionSecrets,
  retiredVariables,
  S3Settings,
  s3Settings,
  smtpServer,
} from './service-settings';
import { webConcurrency } from './web-concurrency';

export type { QueueBoardSettings, S3Settings } from './service-settings';

/** `api` serves HTTP; `worker` runs background jobs and serves nothing. */
export type ProcessRole = 'api' | 'worker';

export interface AppConfigOverrides {
  /** The embedded server's URLs once it runs: its owner's, and the application role's. */
  embeddedDatabase?: { owner: string; application: string; role: string };
  role?: ProcessRole;
  /** Removed settings the environment still sets, each with what to do instead (logged at start). */
  retired?: string[];
}

/**
 * Typed settings, read once from the environment at boot. Injected by class, e.g.
 * `constructor(private readonly config: AppConfig)`.
 */
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  /** WEB_CONCURRENCY: API processes on `port` (node:cluster, src/cluster/primary.ts); 1: no cluster. */
  readonly webConcurrency: number;
  readonly host: string;
  readonly dataDir: string;
  /** Express' `trust proxy`: false, a hop count, or the proxies' addresses (TRUST_PROXY). */
  readonly trustProxy: false | number | string[];
  /** PUBLIC_URL: the address clients use, for links Spendin writes into files (exports); unset: relative links. */
  readonly publicUrl?: string;
  readonly logLevel: string;
  /** Requests per minute per caller, and the store that counts them (src/common/rate-limit). */
  readonly rateLimit: RateLimitSettings;
  /** CORS_ORIGINS: browsers of these origins may call the API; none by default. */
  readonly cors: CorsSettings;
  /** Keep-alive, header and request timeouts of the HTTP server (main.ts). */
  readonly httpTimeouts: HttpTimeouts;
  readonly database: {
    /** DATABASE_URL, or the embedded server's (as its application role) once it runs; unset before that. */
    url?: string;
    /**
     * Who migrates: the embedded server's superuser, who owns the schema. Unset with DATABASE_URL:
     * its role migrates when MIGRATE_ON_START=true, otherwise `npm run migration:run` does.
     */
    migrationUrl?: string;
    /** The role `url` connects as, granted what it needs after migrating (the embedded default's). */
    applicationRole?: string;
    /** True when DATABASE_URL is unset: the embedded PostgreSQL under `dataDir` is used. */
    embedded: boolean;
    /** EMBEDDED_DB_PORT: also listen on 127.0.0.1 there. Unset: only a Unix socket in DATA_DIR. */
    embeddedPort?: number;
    poolSize: number;
    migrateOnStart: boolean;
  };
  readonly redisUrl?: string;
  /**
   * `dispatch`: turn outbox rows into jobs here; `process`: run jobs here. The API runs jobs
   * itself only without Redis (or with JOBS_IN_API=true); with Redis the worker does.
   */
  readonly jobs: { dispatch: boolean; process: boolean; pollMs: number; queuePrefix: string; lockSeconds: number };
  readonly queueBoard: QueueBoardSettings;
  /** The worker's health endpoint (GET /health, /health/ready, /metrics) on WORKER_HEALTH_PORT; unset: none. */
  readonly worker: { healthPort?: number };
  /** GET /metrics in Prometheus' text format (METRICS_ENABLED), behind METRICS_TOKEN when set; see docs/operations.md. */
  readonly metrics: MetricsSettings;
  /**
   * OpenTelemetry tracing (docs/operations.md#tracing): on when `endpoint` is set. The SDK reads
   * the OTEL_* variables itself, before this configuration exists (src/common/tracing); this
   * is what the process was started with, for reference.
   */
  readonly tracing: { endpoint?: string; serviceName?: string };
  /**
   * /health/ready says `degraded` when an outbox row has been due, or a queue's oldest job has
   * waited, longer than `stallMinutes` (OUTBOX_STALL_MINUTES): nothing is consuming them.
   */
  readonly health: { stallMinutes: number };
  /** Days that dispatched outbox rows and finished webhook deliveries are kept, hours that stored reports' files are (src/jobs/housekeeping.ts). */
  readonly retention: { outboxDays: number; webhookDays: number; reportHours: number };
  /**
   * Seconds between sweeps of the approval SLA (reminders, escalations, auto-rejects:
   * src/approvals/sla-sweep.ts) in this process; 0: none here (APPROVAL_SLA_SWEEP_SECONDS).
   */
  readonly approvalSla: { sweepSeconds: number };
  /**
   * Receipt files (content-addressed) and the OCR worker pool. `storage`: the local directory
   * `dir`, or the S3-compatible bucket `s3` (then `dir` is unused); see docs/storage.md.
   */
  readonly receipts: { storage: 'local' | 's3'; dir: string; s3?: S3Settings; ocrWorkers: number };
  /**
   * `npm run cli -- backup` and `restore` (docs/operations.md#backups): the sets' directory
   * (BACKUP_DIR), how many to keep (BACKUP_KEEP) and where pg_dump/pg_restore are (PG_BIN_DIR;
   * unset: PATH), the worker's daily backup at `dailyAt` (BACKUP_DAILY_AT, HH:MM UTC), and the
   * URL to dump from when the configured one's role may not read everything (BACKUP_DATABASE_URL).
   */
  readonly backup: { dir: string; keep: number; pgBinDir?: string; dailyAt?: string; databaseUrl?: string };
  /**
   * Outgoing e-mail (SMTP_URL); unset: notifications stay in-app only. `server` is the URL
   * without credentials, the only form of it that may be logged.
   */
  readonly smtp?: { url: string; from: string; server: string };
  readonly jwt: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  /**
   * The audit chain's key (AUDIT_KEY), kept outside the database, and earlier keys that entries
   * may still name (AUDIT_PREVIOUS_KEYS), for verification only.
   */
  readonly audit: { key: string; previousKeys: string[] };
  /**
   * What seals the secrets Spendin stores and must read back (webhook signing secrets; see
   * src/common/secrets/secret-box.ts): `key` seals and opens, `previousKeys` only open, until
   * what they sealed is sealed again under `key` at the next start.
   */
  readonly secrets: { key: Buffer; previousKeys: Buffer[] };
  /**
   * Login throttling: attempts per e-mail (and ten times as many per client address) within a
   * window. `hashConcurrency` Argon2 hashes or verifications run at once per process, with at
   * most `hashQueue` more waiting; beyond that a request is answered 503 with Retry-After.
   */
  readonly login: {
    maxFailures: number;
    windowSeconds: number;
    hashConcurrency: number;
    hashQueue: number;
    /** Argon2id cost of new hashes; a verification uses the cost recorded in the hash it checks. */
    hashCost: PasswordHashCost;
  };
  /**
   * Password reset by e-mail: how long a reset token lives, and the page the e-mail links to
   * (the token appended as `token=`); without `url` the e-mail carries the token alone.
   */
  readonly passwordReset: { ttlSeconds: number; url?: string };
  readonly firstRun: { orgName: string; baseCurrency: string; adminEmail?: string; adminPassword?: string };
  /** Accounts of the accounting-journal export: credited payables, and the debit for spends without a category code. */
  readonly reports: { payablesAccount: string; fallbackExpenseAccount: string };
  /**
   * Outbound webhooks: deliveries go only to public addresses unless `allowPrivateUrls`;
   * retries wait `retryBaseMs`, doubling; each attempt waits `timeoutMs`. (Inbound identity
   * events are signed with each organization's own secret, kept in the database.)
   */
  readonly webhooks: { allowPrivateUrls: boolean; retryBaseMs: number; timeoutMs: number };
  /**
   * OpenID Connect bearer tokens (src/auth/credentials/oidc-tokens.ts): http issuers only on a
   * loopback address and only when `allowHttpLoopback` (tests, development); discovery and JWKS
   * requests time out after `timeoutMs`; keys are cached `jwksCacheSeconds` and refetched on an
   * unknown `kid` at most once per `jwksCooldownSeconds`.
   */
  readonly oidc: {
    allowHttpLoopback: boolean;
    timeoutMs: number;
    jwksCooldownSeconds: number;
    jwksCacheSeconds: number;
  };
  /** Variables set in the environment that Spendin no longer reads, each with what replaced it: logged at start. */
  readonly retired: string[];

  constructor(environment: Environment, overrides: AppConfigOverrides = {}) {
    const e = environment;
    this.env = e.NODE_ENV ?? 'development';
    this.port = e.PORT ?? 3000;
    this.webConcurrency = webConcurrency(e.WEB_CONCURRENCY, availableParallelism());
    this.host = e.HOST ?? '0.0.0.0';
    this.dataDir = resolve(e.DATA_DIR ?? './data');
    this.publicUrl = e.PUBLIC_URL;
    this.trustProxy = e.TRUST_PROXY === undefined ? false : (parseTrustProxy(e.TRUST_PROXY) ?? false);
    this.logLevel = e.LOG_LEVEL ?? (this.env === 'test' ? 'silent' : 'info');
    this.rateLimit = rateLimitSettings(e);
    this.cors = corsSettings(e);
    this.httpTimeouts = httpTimeouts(e);
    const embedded = e.DATABASE_URL === undefined;
    this.database = {
      url: e.DATABASE_URL ?? overrides.embeddedDatabase?.application,
      migrationUrl: e.DATABASE_URL === undefined ? overrides.embeddedDatabase?.owner : undefined,
      applicationRole: e.DATABASE_URL === undefined ? overrides.embeddedDatabase?.role : undefined,
      embedded,
      embeddedPort: e.EMBEDDED_DB_PORT,
      poolSize: e.DATABASE_POOL_SIZE ?? 10,
      // An external database is migrated on purpose (`npm run migration:run`); the embedded
      // one belongs to this process, so it is brought up to date on every start.
      migrateOnStart: e.MIGRATE_ON_START ?? embedded,
    };
    this.redisUrl = e.REDIS_URL;
    const role = overrides.role ?? 'api';
    this.jobs = {
      dispatch: true,
      process: role === 'worker' || !this.redisUrl || (e.JOBS_IN_API ?? false),
      pollMs: e.OUTBOX_POLL_MS ?? 500,
      queuePrefix: e.QUEUE_PREFIX ?? 'spendin',
      lockSeconds: e.JOB_LOCK_SECONDS ?? 60,
    };
    this.queueBoard = queueBoardSettings(e);
    this.worker = { healthPort: e.WORKER_HEALTH_PORT };
    this.metrics = { enabled: e.METRICS_ENABLED ?? false, token: e.METRICS_TOKEN };
    this.tracing = { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME };
    this.health = { stallMinutes: e.OUTBOX_STALL_MINUTES ?? 10 };
    this.retention = {
      outboxDays: e.OUTBOX_RETENTION_DAYS ?? 30,
      webhookDays: e.WEBHOOK_RETENTION_DAYS ?? 30,
      reportHours: e.REPORT_RETENTION_HOURS ?? 72,
    };
    this.approvalSla = { sweepSeconds: e.APPROVAL_SLA_SWEEP_SECONDS ?? 60 };
    const storage = e.RECEIPTS_STORAGE ?? (e.S3_BUCKET ? 's3' : 'local');
    this.receipts = {
      storage,
      dir: resolve(e.RECEIPTS_DIR ?? join(this.dataDir, 'receipts')),
      s3: storage === 's3' ? s3Settings(e) : undefined,
      ocrWorkers: e.OCR_WORKERS ?? Math.max(1, availableParallelism()),
    };
    this.backup = {
      dir: resolve(e.BACKUP_DIR ?? join(this.dataDir, 'backups')),
      keep: e.BACKUP_KEEP ?? 7,
      pgBinDir: e.PG_BIN_DIR ? resolve(e.PG_BIN_DIR) : undefined,
      dailyAt: e.BACKUP_DAILY_AT,
      databaseUrl: e.BACKUP_DATABASE_URL,
    };
    this.smtp = e.SMTP_URL
      ? { url: e.SMTP_URL, from: e.SMTP_FROM ?? 'Spendin <no-reply@spendin.local>', server: smtpServer(e.SMTP_URL) }
      : undefined;
    if (this.env === 'production') requireProductionSecrets(e);
    this.jwt = {
      secret: e.JWT_SECRET ?? this.generatedSecret('jwt-secret', () => randomBytes(48).toString('base64url')),
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS ?? 900,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS ?? 30 * 86_400,
    };
    this.audit = {
      key: e.AUDIT_KEY ?? this.generatedSecret('audit-key', () => randomBytes(48).toString('base64url')),
      previousKeys: e.AUDIT_PREVIOUS_KEYS ? e.AUDIT_PREVIOUS_KEYS.split(',') : [],
    };
    this.secrets = {
      key: Buffer.from(
        e.SECRETS_KEY ?? this.generatedSecret('secrets-key', () => randomBytes(32).toString('base64')),
        'base64',
      ),
      previousKeys: (e.SECRETS_PREVIOUS_KEYS?.split(',') ?? []).map((key) => Buffer.from(key, 'base64')),
    };
    this.login = {
      maxFailures: e.LOGIN_MAX_FAILURES ?? 5,
      windowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS ?? 900,
      hashConcurrency: e.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, availableParallelism()),
      hashQueue: e.PASSWORD_HASH_QUEUE ?? 32,
      hashCost: passwordHashCost(e, this.env),
    };
    this.passwordReset = { ttlSeconds: e.PASSWORD_RESET_TTL_SECONDS ?? 1800, url: e.PASSWORD_RESET_URL };
    this.firstRun = {
      orgName: e.ORG_NAME ?? 'Spendin',
      baseCurrency: e.ORG_BASE_CURRENCY ?? 'USD',
      adminEmail: e.ADMIN_EMAIL?.toLowerCase(),
      adminPassword: e.ADMIN_PASSWORD,
    };
    this.reports = {
      payablesAccount: e.JOURNAL_PAYABLES_ACCOUNT ?? '2100',
      fallbackExpenseAccount: e.JOURNAL_EXPENSE_ACCOUNT ?? '6000',
    };
    this.retired = overrides.retired ?? [];
    this.webhooks = {
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS ?? false,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS ?? 30_000,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS ?? 10_000,
    };
    this.oidc = {
      allowHttpLoopback: e.OIDC_ALLOW_HTTP_LOOPBACK ?? false,
      timeoutMs: e.OIDC_HTTP_TIMEOUT_MS ?? 5_000,
      jwksCooldownSeconds: e.OIDC_JWKS_COOLDOWN_SECONDS ?? 30,
      jwksCacheSeconds: e.OIDC_JWKS_CACHE_SECONDS ?? 600,
    };
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, overrides: AppConfigOverrides = {}): AppConfig {
    return new AppConfig(parseEnvironment(env), { ...overrides, retired: retiredVariables(env) });
  }

  /**
   * Outside production a missing JWT_SECRET, AUDIT_KEY or SECRETS_KEY is generated once and kept under the
   * data dir, so that every process on one DATA_DIR shares it and restarts keep it.
   */
  private generatedSecret(name: string, generate: () => string): string {
    const file = join(this.dataDir, name);
    if (!existsSync(file)) {
      mkdirSync(this.dataDir, { recursive: true });
      try {
        writeFileSync(file, generate(), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // A process on the same DATA_DIR starting at the same moment wrote it first: share theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return readFileSync(file, 'utf8').trim();
  }
}
