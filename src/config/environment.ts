import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  validateSync,
} from 'class-validator';
import { passwordProblem } from '../common/auth/password.validators';
import { ConfigError } from './config-error';
import { resolveFileVariables } from './env-file';
import { blankAsUnset, toBoolean, toInt, TrustedProxies } from './environment-values';
import { SecurityEnvironment } from './environment-security';

/**
 * The process environment as the application reads it. Every variable is documented in
 * `.env.example`; validation happens once at boot and names each bad variable.
 */
export class Environment extends SecurityEnvironment {
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
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'OIDC_ALLOW_HTTP_LOOPBACK must be true or false' })
  OIDC_ALLOW_HTTP_LOOPBACK?: boolean;

  @IsOptional()
  @Transform(toInt)
  @Min(100)
  @Max(60_000)
  @IsInt()
  OIDC_HTTP_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(3600)
  @IsInt()
  OIDC_JWKS_COOLDOWN_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(60)
  @Max(86_400)
  @IsInt()
  OIDC_JWKS_CACHE_SECONDS?: number;

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
  @Transform(toInt)
  @Min(1)
  @Max(8760)
  @IsInt()
  REPORT_RETENTION_HOURS?: number;

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
        const shown = /SECRET|PASSWORD|TOKEN|SMTP_URL|ACCESS_KEY/.test(e.property)
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
