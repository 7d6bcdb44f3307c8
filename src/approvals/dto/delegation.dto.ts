import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';

export class CreateDelegationDto {
  @ApiProperty({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'An active user of the organization with the manager role or above (never an accountant)',
  })
  @IsUUID()
  delegate_id: string;

  @ApiProperty({ format: 'date', example: '2026-08-03', description: 'First day of the delegation (UTC)' })
  @IsCalendarDate()
  starts_on: string;

  @ApiProperty({
    format: 'date',
    example: '2026-08-14',
    description:
      'Last day of the delegation, inclusive: not before starts_on nor today, at most a year after starts_on',
  })
  @IsCalendarDate()
  ends_on: string;

  @ApiPropertyOptional({ example: 'Summer holiday', maxLength: 500 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

export class DelegationResponseDto {
  @ApiProperty({ format: 'uuid', example: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f' }) id: string;
  @ApiProperty({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description: 'Whose approvals are delegated',
  })
  delegator_id: string;
  @ApiProperty({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'Who may decide them meanwhile',
  })
  delegate_id: string;
  @ApiProperty({ format: 'date', example: '2026-08-03' }) starts_on: string;
  @ApiProperty({ format: 'date', example: '2026-08-14', description: 'Inclusive' }) ends_on: string;
  @ApiProperty({ nullable: true, type: String, example: 'Summer holiday' }) reason: string | null;
  @ApiProperty({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description: 'The delegator, or the admin who delegated for them',
  })
  created_by: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) revoked_at: string | null;
  @ApiProperty({ example: true, description: 'Not revoked, and today (UTC) is within the range' }) active: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-07-20T09:15:00.000Z' }) created_at: string;
}
