import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode } from '../../common/money/money.validators';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { PAYABLE_ITEM_TYPES, PayableItemType } from '../payables/payable-source';
import { PAYOUT_BATCH_STATUSES, PayoutBatchStatus } from '../batches/payout-batch';

/** At most this many lines in one batch (one bank file). */
export const MAX_BATCH_LINES = 500;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NO_CONTROLS = /^\P{Cc}+$/u;

export class PayableQuery extends PageQueryDto {
  @ApiPropertyOptional({
    enum: PAYABLE_ITEM_TYPES,
    example: 'spend',
    default: 'spend',
    description: 'Which items: spends or expense reports',
  })
  @IsOptional()
  @IsIn(PAYABLE_ITEM_TYPES)
  item_type?: PayableItemType;

  @ApiPropertyOptional({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b', description: 'Whose items' })
  @IsOptional()
  @IsUUID('all')
  payee_id?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 currency of the items' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-11-01', description: "The item's date from, inclusive" })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-11-30', description: "The item's date up to, inclusive" })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class PayoutItemRefDto {
  @ApiProperty({ enum: PAYABLE_ITEM_TYPES, example: 'spend', description: 'What the id names' })
  @IsIn(PAYABLE_ITEM_TYPES)
  item_type: PayableItemType;

  @ApiProperty({ format: 'uuid', example: '7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f' })
  @IsUUID('all')
  item_id: string;
}

/**
 * A new batch: the items named in `items`, or every payable item matching the filter
 * (`currency` required, then `item_type`, `payee_id`, `from`, `to`), never both.
 */
export class CreatePayoutBatchDto {
  @ApiPropertyOptional({
    type: [PayoutItemRefDto],
    maxItems: MAX_BATCH_LINES,
    example: [{ item_type: 'spend', item_id: '7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f' }],
    description: 'The items to pay, each once; or leave out and filter instead',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_LINES)
  @ValidateNested({ each: true })
  @Type(() => PayoutItemRefDto)
  items?: PayoutItemRefDto[];

  @ApiPropertyOptional({
    example: 'EUR',
    description: 'EUR (SEPA) or USD (NACHA); required with a filter, checked against the items otherwise',
  })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({
    enum: PAYABLE_ITEM_TYPES,
    example: 'spend',
    description: 'Filter: which items (spend by default)',
  })
  @IsOptional()
  @IsIn(PAYABLE_ITEM_TYPES)
  item_type?: PayableItemType;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description: 'Filter: whose items',
  })
  @IsOptional()
  @IsUUID('all')
  payee_id?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-01',
    description: "Filter: the item's date from, inclusive",
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-30',
    description: "Filter: the item's date up to, inclusive",
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-04',
    description: 'When the bank is asked to pay (SEPA ReqdExctnDt, NACHA effective entry date); today by default',
  })
  @IsOptional()
  @IsCalendarDate()
  execution_date?: string;

  @ApiPropertyOptional({
    example: 'Reimbursements November',
    maxLength: 35,
    description: "Finance's reference, recorded on each item paid",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 35)
  @Matches(NO_CONTROLS, { message: 'reference must not contain control characters' })
  reference?: string;
}

export class FailedLineDto {
  @ApiProperty({ format: 'uuid', example: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', description: 'A line of this batch' })
  @IsUUID('all')
  line_id: string;

  @ApiProperty({ example: 'Account closed (AC04)', minLength: 1, maxLength: 500, description: 'What the bank said' })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  @Matches(NO_CONTROLS, { message: 'reason must not contain control characters' })
  reason: string;
}

export class MarkPayoutBatchPaidDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-04T10:00:00.000Z',
    description: 'When; now by default',
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO-8601 date-time' })
  paid_at?: string;

  @ApiPropertyOptional({
    type: [FailedLineDto],
    maxItems: MAX_BATCH_LINES,
    example: [{ line_id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', reason: 'Account closed (AC04)' }],
    description: 'Lines the bank returned: their items go back to approved, payable again',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_BATCH_LINES)
  @ValidateNested({ each: true })
  @Type(() => FailedLineDto)
  failed_lines?: FailedLineDto[];
}

export class CancelPayoutBatchDto {
  @ApiPropertyOptional({
    example: true,
    description:
      'Needed (true) to cancel an exported batch: you confirm its file never reached the bank, so its items may be paid again. Not needed for an open batch.',
  })
  @IsOptional()
  @IsBoolean()
  not_sent_to_bank?: boolean;

  @ApiPropertyOptional({
    example: 'File rejected by the bank portal before upload',
    minLength: 1,
    maxLength: 500,
    description: 'Why; needed with `not_sent_to_bank`, kept in the audit log',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  @Matches(NO_CONTROLS, { message: 'reason must not contain control characters' })
  reason?: string;
}

export class ListPayoutBatchesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: PAYOUT_BATCH_STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(PAYOUT_BATCH_STATUSES, { message: `must be one of ${PAYOUT_BATCH_STATUSES.join(', ')}` })
  status?: PayoutBatchStatus;
}

export class PayableItemResponseDto {
  @ApiProperty({ enum: PAYABLE_ITEM_TYPES, example: 'spend' }) item_type: string;
  @ApiProperty({ format: 'uuid', example: '7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f' }) item_id: string;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b', description: 'Who is reimbursed' })
  payee_user_id: string;
  @ApiProperty({
    enum: ['iban', 'us_ach'],
    nullable: true,
    example: 'iban',
    description: 'The kind of bank account the payee has on file; null: none, the item cannot be batched yet',
  })
  payee_bank_account: string | null;
  @ApiProperty({ example: '42.50' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '46.03', description: 'In base_currency, as the item was converted' }) base_amount: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ format: 'date', example: '2026-11-14', description: "A spend's spend_date, a report's ends_on" })
  date: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Deutsche Bahn',
    description: "A spend's merchant or description; a report's id and title",
  })
  description: string | null;
}

export class PayoutLineResponseDto {
  @ApiProperty({ format: 'uuid', example: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d' }) id: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'Order in the file' }) position: number;
  @ApiProperty({ enum: PAYABLE_ITEM_TYPES, example: 'spend' }) item_type: string;
  @ApiProperty({ format: 'uuid', example: '7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f' }) item_id: string;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) payee_user_id: string;
  @ApiProperty({ example: '42.50' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ format: 'date', example: '2026-11-14' }) item_date: string;
  @ApiProperty({ type: String, nullable: true, example: 'Deutsche Bahn' }) description: string | null;
  @ApiProperty({
    enum: ['pending', 'paid', 'failed', 'cancelled'],
    example: 'pending',
    description: 'pending while the batch is open or exported',
  })
  status: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why it failed' })
  failure_reason: string | null;
}

export class PayoutBatchResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f6e2d1c-9b8a-4e7f-8a6b-1c2d3e4f5a6b' }) id: string;
  @ApiProperty({ enum: PAYOUT_BATCH_STATUSES, example: 'open' }) status: string;
  @ApiProperty({ enum: ['sepa', 'nacha'], example: 'sepa', description: 'sepa for EUR, nacha for USD' }) rail: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: 'integer', example: 3 }) line_count: number;
  @ApiProperty({ example: '127.50', description: 'Sum of the lines, in currency' }) total: string;
  @ApiProperty({ type: String, nullable: true, example: 'USD' }) base_currency: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '138.09',
    description: "Sum of the items' base amounts, at the rates they were converted with",
  })
  base_total: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Sum of the lines paid, once paid' })
  paid_total: string | null;
  @ApiProperty({ format: 'date', example: '2026-12-04' }) execution_date: string;
  @ApiProperty({ type: String, nullable: true, example: 'Reimbursements November' }) reference: string | null;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }) created_by: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-03T09:30:00.000Z' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) exported_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) paid_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) cancelled_at: string | null;
}

export class PayoutBatchDetailResponseDto extends PayoutBatchResponseDto {
  @ApiProperty({
    type: [PayoutLineResponseDto],
    example: [
      {
        id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        position: 1,
        item_type: 'spend',
        item_id: '7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f',
        payee_user_id: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
        amount: '42.50',
        currency: 'EUR',
        item_date: '2026-11-14',
        description: 'Deutsche Bahn',
        status: 'pending',
        failure_reason: null,
      },
    ],
  })
  lines: PayoutLineResponseDto[];
}
