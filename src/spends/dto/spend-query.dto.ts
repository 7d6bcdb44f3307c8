import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';
import { SPEND_STATUSES, SpendStatus } from '../spend.entity';

export class ListSpendsQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ enum: SPEND_STATUSES, example: 'pending_approval' })
  @IsOptional()
  @IsIn(SPEND_STATUSES, { message: `must be one of ${SPEND_STATUSES.join(', ')}` })
  status?: SpendStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  user_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  team_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  category_id?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-01', description: 'spend_date from, inclusive' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-31', description: 'spend_date up to, inclusive' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class PaySpendDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-05T10:00:00.000Z',
    description: 'When it was paid; now by default',
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO-8601 date-time' })
  paid_at?: string;

  @ApiPropertyOptional({
    example: 'SEPA-2026-03-05-0042',
    maxLength: 200,
    description: 'Payment reference for accounting',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(200)
  reference?: string;
}
