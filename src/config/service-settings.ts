/**
 * The parts of AppConfig (src/config/app-config.ts) read from several variables with rules of
 * their own: the S3 bucket, the queue board, the SMTP server's printable form, the secrets
 * production must be given, and settings no longer read.
 */
import { ConfigError } from './config-error';
import type { Environment } from './environment';

/** An S3-compatible bucket for receipt files. */
export interface S3Settings {
  bucket: string;
  region: string;
  /** Unset: AWS itself. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Put before every key: empty, or ending in "/". */
  prefix: string;
  /** How long one request may wait for the bucket (to answer, or to send more of a file) before it is abandoned. */
  timeoutMs: number;
  /** Unset: the AWS SDK's default chain (AWS_* variables, shared files, an instance or task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The bucket, prefix and endpoint without credentials: the only form of these settings that may be logged. */
  location: string;
}

/**
 * Bull Board at /admin/queues, for the installation's operator alone (never an organization's
 * user): off, or on behind HTTP Basic with `password`, read-only unless read-write is chosen.
 */
export type QueueBoardSettings = { mode: 'off' } | { mode: 'read-only' | 'read-write'; password: string };

export function queueBoardSettings(e: Environment): QueueBoardSettings {
  const mode = e.QUEUE_BOARD ?? 'off';
  if (mode === 'off') return { mode };
  if (!e.QUEUE_BOARD_PASSWORD) {
    throw new ConfigError([
      `QUEUE_BOARD_PASSWORD: must be set (at least 32 characters) when QUEUE_BOARD=${mode}; generate one with openssl rand -base64 36`,
    ]);
  }
  return { mode, password: e.QUEUE_BOARD_PASSWORD };
}

/** Settings that were removed, and why an operator who still sets one should act. */
const RETIRED: Record<string, string> = {
  WEBHOOK_SECRET:
    "WEBHOOK_SECRET is no longer read: each organization's identity provider now signs its events with a secret of that organization (POST /api/v1/organization/identity-provider/secret) and sends them to /api/v1/events/webhook/<organization id>; see docs/webhooks.md",
};

export function retiredVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(RETIRED)
    .filter(([name]) => env[name] !== undefined || env[`${name}_FILE`] !== undefined)
    .map(([, why]) => why);
}

/**
 * Production never generates a secret into DATA_DIR: each container would make its own, and
 * a lost volume would lose the key to every stored webhook secret.
 */
export function requireProductionSecrets(e: Environment): void {
  const missing: string[] = [];
  if (!e.JWT_SECRET) missing.push('JWT_SECRET: must be set in production (at least 32 characters)');
  if (!e.AUDIT_KEY)
    missing.push(
      'AUDIT_KEY: must be set in production (at least 32 characters), the same for every process, kept apart from the database',
    );
  if (!e.SECRETS_KEY)
    missing.push(
      'SECRETS_KEY: must be set in production (32 random bytes in base64: openssl rand -base64 32), the same for every process',
    );
  if (missing.length > 0) throw new ConfigError(missing);
}

/** The SMTP server an SMTP_URL names, without user or password: `smtp://mail.example.com:587`. */
export function smtpServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(['SMTP_URL: is not a valid URL (got (hidden))']);
  }
  if (!parsed.hostname)
    throw new ConfigError([
      'SMTP_URL: must name a host, as in smtp://user:password@mail.example.com:587 (got (hidden))',
    ]);
  return `${parsed.protocol}//${parsed.host}`;
}

export function s3Settings(e: Environment): S3Settings {
  const problems: string[] = [];
  if (!e.S3_BUCKET) problems.push('S3_BUCKET: must be set when RECEIPTS_STORAGE=s3');
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push(
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS default credential chain (got (hidden))',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const bucket = e.S3_BUCKET!;
  const region = e.S3_REGION ?? 'us-east-1';
  const prefix = e.S3_PREFIX ? e.S3_PREFIX.replace(/\/*$/, '/') : '';
  return {
    bucket,
    region,
    endpoint: e.S3_ENDPOINT,
    // Servers of one's own (MinIO and the like) are addressed by path; AWS by virtual host.
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
    prefix,
    timeoutMs: e.S3_TIMEOUT_MS ?? 30_000,
    credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
        : undefined,
    location: `s3://${bucket}/${prefix}${e.S3_ENDPOINT ? ` at ${e.S3_ENDPOINT}` : ` in ${region}`}`,
  };
}
