import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { EXPENSE_REPORT_STATUSES, ExpenseReportStatus } from '../expense-report.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const nullable = (_: object, value: unknown) => value !== null && value !== undefined;

export class CreateExpenseReportDto {
  @ApiProperty({ example: 'Berlin customer workshop', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Two-day workshop with the Acme procurement team',
    maxLength: 2000,
  })
  @ValidateIf(nullable)
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  purpose?: string | null;

  @ApiProperty({ format: 'date', example: '2026-03-02', description: 'First day of the trip' })
  @IsCalendarDate()
  starts_on: string;

  @ApiProperty({ format: 'date', example: '2026-03-04', description: 'Last day of the trip; not before starts_on' })
  @IsCalendarDate()
  ends_on: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Berlin, DE',
    maxLength: 200,
    description: 'Destination',
  })
  @ValidateIf(nullable)
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  trip?: string | null;
}

/** Any of the create fields, while the report is a draft or rejected. */
export class UpdateExpenseReportDto extends PartialType(CreateExpenseReportDto) {}

export class LinkReportAdvancesDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 100,
    example: ['8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f'],
    description: "The report owner's own advances (requested, approved or paid), linked to no other report",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  advance_ids: string[];
}

export class AddReportSpendsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 100,
    example: ['3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c'],
    description: "The owner's own draft or rejected spends, in no other report",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  spend_ids: string[];
}

export class RejectLineDto {
  @ApiProperty({
    example: 'The hotel minibar is not reimbursed; remove it and resubmit',
    minLength: 1,
    maxLength: 2000,
    description: 'Why the line is rejected, so that its owner can fix it',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  comment: string;
}

export class ListExpenseReportsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: EXPENSE_REPORT_STATUSES, example: 'submitted' })
  @IsOptional()
  @IsIn(EXPENSE_REPORT_STATUSES, { message: `must be one of ${EXPENSE_REPORT_STATUSES.join(', ')}` })
  status?: ExpenseReportStatus;

  @ApiPropertyOptional({ format: 'uuid', example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e', description: 'The owner' })
  @IsOptional()
  @IsUUID('all')
  user_id?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-03-01',
    description: 'Reports whose trip ends on or after this day',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-03-31',
    description: 'Reports whose trip starts on or before this day',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}
