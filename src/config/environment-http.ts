import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { blankAsUnset, toBoolean, toInt } from './environment-values';
import { PlatformEnvironment } from './environment-platform';

/** The HTTP server's protection: rate limits, CORS, connection timeouts (src/config/http-settings.ts). */
export class HttpEnvironment extends PlatformEnvironment {
  @IsOptional()
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'RATE_LIMIT_ENABLED must be true or false' })
  RATE_LIMIT_ENABLED?: boolean;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsIn(['redis', 'postgres'], { message: 'RATE_LIMIT_STORE must be redis or postgres' })
  RATE_LIMIT_STORE?: 'redis' | 'postgres';

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1_000_000)
  @IsInt()
  RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1_000_000)
  @IsInt()
  RATE_LIMIT_LOGIN_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1_000_000)
  @IsInt()
  RATE_LIMIT_UPLOADS_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1_000_000)
  @IsInt()
  RATE_LIMIT_EXPORTS_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(1_000_000)
  @IsInt()
  RATE_LIMIT_REPORTS_PER_MINUTE?: number;

  @IsOptional()
  @Transform(blankAsUnset)
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1000)
  @Max(3_600_000)
  @IsInt()
  HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @Min(1000)
  @Max(3_600_000)
  @IsInt()
  HTTP_HEADERS_TIMEOUT_MS?: number;

  /** 0: no limit on the whole request (Node's own meaning). */
  @IsOptional()
  @Transform(toInt)
  @Min(0)
  @Max(3_600_000)
  @IsInt()
  HTTP_REQUEST_TIMEOUT_MS?: number;
}
