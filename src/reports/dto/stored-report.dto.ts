import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { SPEND_STATUSES, SpendStatus } from '../../spends/spend.entity';
import { GROUPINGS, Grouping } from '../report-filter';
import {
  STORED_REPORT_ERRORS,
  STORED_REPORT_KINDS,
  STORED_REPORT_STATUSES,
  StoredReportKind,
  StoredReportStatus,
} from '../stored/stored-report';
import { ReportRangeQuery } from './report-query.dto';

/**
 * The synchronous endpoints' filters (`from`, `to`, `status`), and the summary's `group_by`,
 * as a JSON body: `status` is an array here (the query's comma-separated form is for URLs).
 */
export class StoredReportParametersDto extends ReportRangeQuery {
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    enum: SPEND_STATUSES,
    example: ['approved', 'paid'],
    description: 'Statuses to include; default pending_approval, approved and paid (as the synchronous endpoints)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SPEND_STATUSES.length * 2)
  @IsIn(SPEND_STATUSES, { each: true, message: `each value must be one of ${SPEND_STATUSES.join(', ')}` })
  status?: SpendStatus[];

  @ApiPropertyOptional({
    enum: GROUPINGS,
    example: 'category',
    description: 'kind `summary` only (default category), as GET /reports/summary',
  })
  @IsOptional()
  @IsIn(GROUPINGS, { message: `must be one of ${GROUPINGS.join(', ')}` })
  group_by?: Grouping;
}

export class CreateStoredReportDto {
  @ApiProperty({
    enum: STORED_REPORT_KINDS,
    example: 'csv',
    description:
      '`summary`: GET /reports/summary as a JSON file; `csv`, `xlsx`, `journal`: GET /reports/export with format csv, xlsx, journal_csv',
  })
  @IsIn(STORED_REPORT_KINDS, { message: `must be one of ${STORED_REPORT_KINDS.join(', ')}` })
  kind: StoredReportKind;

  @ApiPropertyOptional({
    type: StoredReportParametersDto,
    example: { from: '2026-01-01', to: '2026-03-31', status: ['approved', 'paid'] },
    description: 'The filters of the synchronous endpoint',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StoredReportParametersDto)
  parameters?: StoredReportParametersDto;
}

export class StoredReportResponseDto {
  @ApiProperty({ format: 'uuid', example: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) id: string;
  @ApiProperty({ enum: STORED_REPORT_KINDS, example: 'csv' }) kind: StoredReportKind;
  @ApiProperty({
    type: StoredReportParametersDto,
    example: { from: '2026-01-01', to: '2026-03-31', status: ['approved', 'paid'] },
    description: 'As stored: only the filters given, and `group_by` of a summary',
  })
  parameters: StoredReportParametersDto;
  @ApiProperty({
    enum: STORED_REPORT_STATUSES,
    example: 'ready',
    description: 'queued → running → ready or failed; a ready file expires after REPORT_RETENTION_HOURS',
  })
  status: StoredReportStatus;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 100 }) progress: number;
  @ApiProperty({ nullable: true, example: 'spends-2026-01-01-to-2026-03-31.csv', type: String }) filename:
    string | null;
  @ApiProperty({ nullable: true, example: 'text/csv; charset=utf-8', type: String }) content_type: string | null;
  @ApiProperty({ nullable: true, type: 'integer', example: 18234, description: 'Bytes' }) size: number | null;
  @ApiProperty({
    nullable: true,
    example: 'a3f1c2d4e5b6a7980a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071',
    type: String,
    description: 'SHA-256 of the file, hex',
  })
  sha256: string | null;
  @ApiProperty({
    nullable: true,
    example: null,
    type: String,
    description: `Why it failed: ${STORED_REPORT_ERRORS.join(', ')} (docs/reports.md)`,
  })
  error_code: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-04-01T09:00:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, example: '2026-04-01T09:00:01.000Z', type: String })
  started_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, example: '2026-04-01T09:00:03.000Z', type: String })
  finished_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, example: '2026-04-04T09:00:03.000Z', type: String })
  expires_at: string | null;
}
