import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { blankAsUnset, toBoolean, toInt } from './environment-values';

/** Where the application runs: server, database, queues and jobs, receipt storage and OCR, mail. */
export class PlatformEnvironment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  PORT?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  HOST?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(200)
  @IsInt()
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'MIGRATE_ON_START must be true or false' })
  MIGRATE_ON_START?: boolean;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  DATA_DIR?: string;

  /** Read by the OpenTelemetry SDK itself (src/common/tracing); checked here so that a typo stops the start. */
  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MaxLength(200)
  OTEL_SERVICE_NAME?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[a-z0-9_-]{1,64}$/i, { message: 'QUEUE_PREFIX may hold letters, digits, _ and - (64 at most)' })
  QUEUE_PREFIX?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(10)
  @Max(60_000)
  @IsInt()
  OUTBOX_POLL_MS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'JOBS_IN_API must be true or false' })
  JOBS_IN_API?: boolean;

  @IsOptional()
  @Transform(toInt)
  @Min(2)
  @Max(3600)
  @IsInt()
  JOB_LOCK_SECONDS?: number;

  /** Seconds between sweeps of approval reminders, escalations and auto-rejects; 0 turns them off here. */
  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(86_400)
  @IsInt()
  APPROVAL_SLA_SWEEP_SECONDS?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsIn(['off', 'read-only', 'read-write'], { message: 'QUEUE_BOARD must be off, read-only or read-write' })
  QUEUE_BOARD?: 'off' | 'read-only' | 'read-write';

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MinLength(32, { message: 'QUEUE_BOARD_PASSWORD must be at least 32 characters' })
  @MaxLength(256)
  QUEUE_BOARD_PASSWORD?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  WORKER_HEALTH_PORT?: number;

  /** GET /metrics (Prometheus) on the API and on the worker's health port; off by default. */
  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED?: boolean;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters' })
  @MaxLength(256)
  @Matches(/^\S+$/, { message: 'METRICS_TOKEN must not contain spaces' })
  METRICS_TOKEN?: string;

  /** Minutes after which a due outbox row or a waiting job nobody took makes /health/ready say degraded. */
  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1440)
  @IsInt()
  OUTBOX_STALL_MINUTES?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1024)
  @Max(65535)
  @IsInt()
  EMBEDDED_DB_PORT?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  RECEIPTS_DIR?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(32)
  @IsInt()
  OCR_WORKERS?: number;

  /** API processes serving one port (node:cluster): `auto` (one per core) or 1 to 64; default 1. */
  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^(auto|[1-9]|[1-5][0-9]|6[0-4])$/, {
    message: 'WEB_CONCURRENCY must be auto or a whole number from 1 to 64',
  })
  WEB_CONCURRENCY?: string;

  /** Where `npm run cli -- backup` writes its sets (default DATA_DIR/backups). */
  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  BACKUP_DIR?: string;

  /** How many backup sets `backup` keeps (the newest); older ones are deleted. */
  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1000)
  @IsInt()
  BACKUP_KEEP?: number;

  /** The worker's daily backup, HH:MM in UTC; unset: none. */
  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'BACKUP_DAILY_AT must be HH:MM (UTC), such as 03:00' })
  BACKUP_DAILY_AT?: string;

  /** The database URL backups dump from: a role that may read every table and sequence (the schema's owner). */
  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'BACKUP_DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  BACKUP_DATABASE_URL?: string;

  /** A directory holding pg_dump and pg_restore, used instead of PATH. */
  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  PG_BIN_DIR?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsIn(['local', 's3'], { message: 'RECEIPTS_STORAGE must be local or s3' })
  RECEIPTS_STORAGE?: 'local' | 's3';

  // The rule for new AWS buckets; S3-compatible servers accept at least these names.
  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'S3_BUCKET must be a bucket name of 3 to 63 lower-case letters, digits, "." and "-"',
  })
  S3_BUCKET?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'S3_REGION must be a region name such as us-east-1' })
  S3_REGION?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/, {
    message: 'S3_ENDPOINT must be an http:// or https:// URL such as http://minio:9000, without credentials',
  })
  S3_ENDPOINT?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE?: boolean;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MaxLength(128)
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MaxLength(256)
  S3_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\-/]{1,200}$/, {
    message:
      'S3_PREFIX may hold letters, digits, ".", "_", "-" and "/" (200 at most), must not start with "/" nor contain ".."',
  })
  S3_PREFIX?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(100)
  @Max(600_000)
  @IsInt()
  S3_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^smtps?:\/\/[^\s/?#]+\/?(\?\S*)?$/, {
    message: 'SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587',
  })
  SMTP_URL?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, {
    message: 'SMTP_FROM must be an address such as "Spendin <no-reply@example.com>" or no-reply@example.com',
  })
  SMTP_FROM?: string;
}
