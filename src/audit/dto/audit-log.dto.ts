import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  isUUID,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';
import { instantRange, isAuditInstant } from '../audit-time-range';

const INSTANT_DESCRIPTION =
  'A calendar date `YYYY-MM-DD` (a whole UTC day) or a date-time with its offset (`2026-03-01T09:30:00Z`, `2026-03-01T10:30:00.000+01:00`); inclusive';

/** `from`/`to` of the audit log: a UTC calendar date or a date-time with an offset. */
function IsAuditInstant() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAuditInstant',
      target: target.constructor,
      propertyName,
      options: {
        message:
          'must be a date YYYY-MM-DD or an ISO-8601 date-time with an offset (Z or ±HH:MM), to the millisecond at most',
      },
      validator: { validate: (value: unknown) => isAuditInstant(value) },
    });
}

/** `to` must not end before `from` starts (an empty range is a client's mistake, not an empty page). */
function IsNotBeforeFrom() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBeforeFrom',
      target: target.constructor,
      propertyName,
      options: { message: 'must not be before from' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const from = (args.object as { from?: unknown }).from;
          if (!isAuditInstant(value) || !isAuditInstant(from)) return true;
          const range = instantRange(from, value);
          return range.from!.getTime() < range.before!.getTime();
        },
      },
    });
}

/** The filters the list and the export share. */
export class AuditLogFilterQuery {
  @ApiPropertyOptional({
    example: 'spend.approved',
    description: 'Exact action, `<entity>.<verb>` (`user.role_changed`, `auth.login_failed`, `policy.updated`, …)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, { message: 'must be an action like spend.approved' })
  action?: string;

  @ApiPropertyOptional({
    example: 'spend',
    description: 'What kind of entity the entry is about (`spend`, `user`, `policy`, `approval`, …)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(/^[a-z0-9_]+$/, { message: 'must be an entity type like spend' })
  entity_type?: string;

  @ApiPropertyOptional({ example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c', description: "The entity's id" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^\P{Cc}+$/u, { message: 'must not contain control characters' })
  // Ids are stored lower-case; a UUID written in capitals names the same entity.
  @Transform(({ value }) => (typeof value === 'string' && isUUID(value, 'all') ? value.toLowerCase() : value))
  entity_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'Who did it: a user or an API key id',
  })
  @IsOptional()
  @IsUUID('all')
  actor_id?: string;

  @ApiPropertyOptional({
    example: '2026-03-01',
    description: `Entries created at or after this. ${INSTANT_DESCRIPTION}`,
  })
  @IsOptional()
  @IsAuditInstant()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-03-31',
    description: `Entries created at or before this. ${INSTANT_DESCRIPTION}`,
  })
  @IsOptional()
  @IsAuditInstant()
  @IsNotBeforeFrom()
  to?: string;
}

export class ListAuditLogsQuery extends IntersectionType(CursorPageQueryDto, AuditLogFilterQuery) {}

export const EXPORT_FORMATS = ['csv'] as const;

export class ExportAuditLogsQuery extends AuditLogFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', example: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: (typeof EXPORT_FORMATS)[number] = 'csv';
}

export const ACTOR_TYPES = ['user', 'api_key', 'operator'] as const;

const METADATA_EXAMPLE = { changes: { role: { from: 'employee', to: 'manager' } } };

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid', example: '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }) id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'Who did it; null for the system (bootstrap, jobs) and for failed logins',
  })
  actor_id: string | null;
  @ApiProperty({
    enum: ACTOR_TYPES,
    nullable: true,
    example: 'user',
    description:
      "What `actor_id` names: a `user`, an organization `api_key` (the key that made the change; GET /organization/api-keys/{id} names its creator), or the installation's `operator` (no user of the organization; `metadata.operator_email` names them); null when actor_id is",
  })
  actor_type: (typeof ACTOR_TYPES)[number] | null;
  @ApiProperty({ example: 'user.role_changed', description: '`<entity>.<verb>`' }) action: string;
  @ApiProperty({ example: 'user' }) entity_type: string;
  @ApiProperty({ nullable: true, type: String, example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) entity_id:
    string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: METADATA_EXAMPLE,
    description: 'What changed (before/after of the changed fields) and why; never secrets',
  })
  metadata: Record<string, unknown>;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'b1f0c1de-2a6b-4f43-9a1e-0c1d2e3f4a5b',
    description: 'The X-Request-Id of the request that made the change',
  })
  request_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7', description: "The client's address" }) ip:
    string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
  @ApiProperty({
    example: '9c4e1f0b7a2d3c5e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6',
    description: "SHA-256 (hex) over the entry's content and prev_hash",
  })
  hash: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091',
    description: "The previous entry's hash in the organization's chain; null for the first",
  })
  prev_hash: string | null;
}

export class AuditVerificationDto {
  @ApiProperty({ example: true, description: 'Whether every entry matches its hash and links to the one before it' })
  valid: boolean;
  @ApiProperty({
    type: 'integer',
    example: 1523,
    description: 'Entries checked, in chain order; when invalid, up to and including the first bad one',
  })
  checked: number;
  @ApiPropertyOptional({
    format: 'uuid',
    example: '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
    description: 'Only when invalid: the first entry that fails',
  })
  first_invalid_id?: string;
  @ApiPropertyOptional({
    example:
      "prev_hash does not match the previous entry's hash: an entry before this one was removed, inserted or rewritten",
    description: 'Only when invalid: why the entry fails',
  })
  reason?: string;
}
