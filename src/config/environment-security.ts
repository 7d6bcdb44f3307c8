import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../common/auth/password.validators';
import { blankAsUnset, SECRETS_KEY_FORMAT, SECRETS_KEY_MESSAGE, SECRETS_KEY_TEXT, toInt } from './environment-values';
import { HttpEnvironment } from './environment-http';

/** Keys, tokens, login throttling and the first organization's administrator. */
export class SecurityEnvironment extends HttpEnvironment {
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
  @Min(60)
  @Max(86_400)
  @IsInt()
  PASSWORD_RESET_TTL_SECONDS?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @Matches(/^https?:\/\/[^\s?#]+(\?[^\s#]*)?$/, {
    message:
      'PASSWORD_RESET_URL must be the http(s) address of the page that asks for a new password, such as https://app.example.com/reset-password',
  })
  PASSWORD_RESET_URL?: string;

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
  @Transform(toInt)
  @Min(64)
  @Max(4_194_304)
  @IsInt()
  PASSWORD_HASH_MEMORY_KIB?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(20)
  @IsInt()
  PASSWORD_HASH_TIME_COST?: number;

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
}
