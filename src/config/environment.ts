import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isIP } from 'node:net';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../common/auth/password.validators';
import { ConfigError } from './config-error';
import { resolveFileVariables } from './env-file';

const toBoolean = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const blankAsUnset = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
/**
 * 32 bytes in base64 (or base64url): 42 characters, one whose low two bits are zero, and an
 * optional "=". `openssl rand -base64 32` writes one.
 */
const SECRETS_KEY_TEXT = '[A-Za-z0-9+/_-]{42}[AEIMQUYcgkosw048]=?';
const SECRETS_KEY_FORMAT = new RegExp(`^${SECRETS_KEY_TEXT}$`);
const SECRETS_KEY_MESSAGE = (name: string, what = 'a key') =>
  `${name} must be ${what} of 32 random bytes in base64, as written by openssl rand -base64 32`;

/**
 * TRUST_PROXY: `false`, the number of proxies in front of the API, or the proxies' addresses
 * (IPs, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`). Not `true`: trusting every hop
 * believes whatever X-Forwarded-For a client sends (spoofed audit addresses, the per-address
 * login throttle bypassed).
 */
@ValidatorConstraint({ name: 'trustedProxies' })
class TrustedProxies implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== null;
  }

  defaultMessage(): string {
    return 'TRUST_PROXY must be false, the number of proxies in front of the API (e.g. 1), or their addresses (e.g. 10.0.0.0/8,loopback); true would trust any X-Forwarded-For a client sends';
  }
}

/** TRUST_PROXY as Express takes it: false, a hop count, or a list of addresses; null when invalid. */
export function parseTrustProxy(value: string): false | number | string[] | null {
  const text = value.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  if (/^[1-9]\d{0,1}$/.test(text)) return Number(text);
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const valid = (entry: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  };
  return entries.length > 0 && entries.every(valid) ? entries : null;
}

/**
 * The process environment as the application reads it. Every variable is documented in
 * `.env.example`; validation happens once at boot and names each bad variable.
 */
export class Environment {
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

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MinLength(32, { message: 'AUDIT_KEY must be at least 32 characters' })
  @MaxLength(512)
  AUDIT_KEY?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @Matches(/^[^,\s]{32,512}(,[^,\s]{32,512})*$/, {
    message: 'AUDIT_PREVIOUS_KEYS must be earlier AUDIT_KEY values (at least 32 characters each), separated by commas',
  })
  AUDIT_PREVIOUS_KEYS?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(SECRETS_KEY_FORMAT, { message: SECRETS_KEY_MESSAGE('SECRETS_KEY') })
  SECRETS_KEY?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(new RegExp(`^${SECRETS_KEY_TEXT}(,${SECRETS_KEY_TEXT})*$`), {
    message: SECRETS_KEY_MESSAGE('SECRETS_PREVIOUS_KEYS', 'a comma-separated list of keys, each'),
  })
  SECRETS_PREVIOUS_KEYS?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(60)
  @Max(86_400)
  @IsInt()
  JWT_ACCESS_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(300)
  @Max(31_536_000)
  @IsInt()
  REFRESH_TOKEN_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1000)
  @IsInt()
  LOGIN_MAX_FAILURES?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(86_400)
  @IsInt()
  LOGIN_FAILURE_WINDOW_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(64)
  @IsInt()
  PASSWORD_HASH_CONCURRENCY?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(10_000)
  @IsInt()
  PASSWORD_HASH_QUEUE?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an e-mail address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `ADMIN_PASSWORD must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(PASSWORD_MAX_LENGTH)
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @MaxLength(200)
  ORG_NAME?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[A-Z]{3}$/, { message: 'ORG_BASE_CURRENCY must be an ISO-4217 code such as USD' })
  ORG_BASE_CURRENCY?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  @Validate(TrustedProxies)
  TRUST_PROXY?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*[^\s?#/])?$/, {
    message:
      'PUBLIC_URL must be the http(s) address clients use, without a trailing slash, such as https://spendin.example.com',
  })
  PUBLIC_URL?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'WEBHOOK_ALLOW_PRIVATE_URLS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_URLS?: boolean;

  @IsOptional()
  @Transform(toInt)
  @Min(10)
  @Max(3_600_000)
  @IsInt()
  WEBHOOK_RETRY_BASE_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(100)
  @Max(60_000)
  @IsInt()
  WEBHOOK_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(3650)
  @IsInt()
  OUTBOX_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(3650)
  @IsInt()
  WEBHOOK_RETENTION_DAYS?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$/, {
    message:
      'JOURNAL_PAYABLES_ACCOUNT must be an account code of letters, digits, ".", "_", ":" or "-" (32 at most), such as 2100',
  })
  JOURNAL_PAYABLES_ACCOUNT?: string;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$/, {
    message:
      'JOURNAL_EXPENSE_ACCOUNT must be an account code of letters, digits, ".", "_", ":" or "-" (32 at most), such as 6000',
  })
  JOURNAL_EXPENSE_ACCOUNT?: string;
}

/** Every variable the Environment declares. */
export function environmentVariables(): string[] {
  const declared = getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false);
  return [...new Set(declared.map((metadata) => metadata.propertyName))];
}

export function parseEnvironment(given: NodeJS.ProcessEnv): Environment {
  const env = resolveFileVariables(given, environmentVariables());
  const parsed = plainToInstance(Environment, { ...env }, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => {
        const messages = Object.values(e.constraints ?? {})
          .map((m) => (m.startsWith(`${e.property} `) ? m.slice(e.property.length + 1) : m))
          .join('; ');
        // SMTP_URL may carry the mail server's password; S3 keys are credentials, the id included.
        const shown = /SECRET|PASSWORD|SMTP_URL|ACCESS_KEY/.test(e.property)
          ? '(hidden)'
          : JSON.stringify(env[e.property]);
        return `${e.property}: ${messages} (got ${shown})`;
      }),
    );
  }
  // The first admin's password follows the rule of every password, e-mail included.
  const problem =
    parsed.ADMIN_PASSWORD !== undefined
      ? passwordProblem(parsed.ADMIN_PASSWORD, parsed.ADMIN_EMAIL ?? FIRST_ADMIN_EMAIL)
      : null;
  if (problem) throw new ConfigError([`ADMIN_PASSWORD: ${problem} (got (hidden))`]);
  return parsed;
}

/** The first admin's e-mail when ADMIN_EMAIL is unset. */
export const FIRST_ADMIN_EMAIL = 'admin@spendin.local';
