import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../../common/auth/scopes';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A date-time with its offset, as the API writes them, to the millisecond at most. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ERP export', minLength: 1, maxLength: 100, description: 'What the key is for' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    example: ['spends:read', 'receipts:write'],
    description: 'What the key may do, at least one (docs/integrations-api-keys.md lists them)',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true, message: `each value in scopes must be one of ${API_KEY_SCOPES.join(', ')}` })
  scopes: ApiKeyScope[];

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2027-06-30T00:00:00Z',
    description: 'When the key stops working, in the future; leave it out (or null) for a key that works until revoked',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @Matches(INSTANT, { message: 'expires_at must be an ISO-8601 date-time with an offset (Z or ±HH:MM)' })
  @IsISO8601({ strict: true }, { message: 'expires_at must be a valid date-time' })
  expires_at?: string | null;
}

export class ApiKeyResponseDto {
  @ApiProperty({
    format: 'uuid',
    example: '2c9e7a1b-4d3f-4e6a-9b8c-0d1e2f3a4b5c',
    description: 'Audit entries the key caused name this id as actor_id',
  })
  id: string;
  @ApiProperty({ example: 'ERP export' }) name: string;
  @ApiProperty({
    example: 'sk_live_3f9a1c0b7d2e4f68',
    description:
      'The start of the key, shown in the clear to tell keys apart; the secret after it is never shown again',
  })
  prefix: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['spends:read', 'receipts:write'] })
  scopes: ApiKeyScope[];
  @ApiProperty({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description:
      'The admin who created it: spends the key creates are theirs, and the key stops working when they are no longer an active admin',
  })
  created_by: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:15:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2027-06-30T00:00:00.000Z' })
  expires_at: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-12-02T07:01:00.000Z',
    description: 'When the key was last used, to the minute (recorded at most once a minute)',
  })
  last_used_at: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'When it was revoked; null while it is not',
  })
  revoked_at: string | null;
}

export class CreatedApiKeyDto extends ApiKeyResponseDto {
  @ApiProperty({
    example: 'sk_live_3f9a1c0b7d2e4f68_Qm9vX2J5X2tleV9zZWNyZXRfZXhhbXBsZV8zMmJ5dGVz',
    description:
      'The whole key, shown in this answer only: send it as `Authorization: Bearer <key>`. Only its SHA-256 is stored',
  })
  key: string;
}
