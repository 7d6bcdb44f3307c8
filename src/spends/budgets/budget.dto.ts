import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { BUDGET_PERIODS, type BudgetPeriod } from './budget-period';
import { BUDGET_SCOPES, COUNTED_STATUSES, type BudgetScope } from './budget';

@ValidatorConstraint({ name: 'isDecimalAmount' })
class IsDecimalAmount implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return (typeof value === 'string' && value.length <= 40) || (typeof value === 'number' && Number.isFinite(value));
  }
  defaultMessage(): string {
    return 'must be a decimal amount such as "1000.00"';
  }
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateBudgetDto {
  @ApiProperty({ example: 'Sales travel', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    enum: BUDGET_SCOPES,
    example: 'team',
    description: 'What spends consume it: all of the organization, or those of one team, category or owner',
  })
  @IsIn(BUDGET_SCOPES, { message: `must be one of ${BUDGET_SCOPES.join(', ')}` })
  scope: BudgetScope;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description:
      'The team, category or user of the scope (of this organization, else 422 BUDGET_SCOPE_INVALID); absent for organization',
  })
  @IsOptional()
  @IsUUID()
  scope_id?: string;

  @ApiProperty({
    enum: BUDGET_PERIODS,
    example: 'month',
    description: 'Recurring calendar months, quarters or years (UTC), or one custom range',
  })
  @IsIn(BUDGET_PERIODS, { message: `must be one of ${BUDGET_PERIODS.join(', ')}` })
  period: BudgetPeriod;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-09-01',
    description: 'First day of a custom period; only with period custom',
  })
  @IsOptional()
  @IsCalendarDate()
  starts_on?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-30',
    description: 'Last day of a custom period, inclusive, at most two years after starts_on',
  })
  @IsOptional()
  @IsCalendarDate()
  ends_on?: string;

  @ApiProperty({
    example: '5000.00',
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: "Per period, in the organization's base currency: a positive decimal with at most its minor digits",
  })
  @Validate(IsDecimalAmount)
  amount: string | number;

  @ApiPropertyOptional({
    type: [String],
    enum: COUNTED_STATUSES,
    example: ['pending_approval', 'approved', 'paid'],
    default: ['pending_approval', 'approved', 'paid'],
    description:
      'The spend statuses that consume it: pending_approval, approved and paid (the default), or approved and paid only',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(COUNTED_STATUSES, { each: true, message: `each value must be one of ${COUNTED_STATUSES.join(', ')}` })
  counts?: string[];

  @ApiPropertyOptional({
    example: false,
    default: false,
    description:
      "Recurring periods only: the previous period's unused amount is added to the current one (an overspend is not taken off)",
  })
  @IsOptional()
  @IsBoolean()
  rollover?: boolean;
}

/** Scope and period never change: archive the budget and make another. */
export class UpdateBudgetDto {
  @ApiPropertyOptional({ example: 'Sales travel (H2)', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '6000.00', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @Validate(IsDecimalAmount)
  amount?: string | number;

  @ApiPropertyOptional({ format: 'date', example: '2026-09-01', description: 'Custom budgets only' })
  @IsOptional()
  @IsCalendarDate()
  starts_on?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-31', description: 'Custom budgets only' })
  @IsOptional()
  @IsCalendarDate()
  ends_on?: string;

  @ApiPropertyOptional({ type: [String], enum: COUNTED_STATUSES, example: ['approved', 'paid'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(COUNTED_STATUSES, { each: true, message: `each value must be one of ${COUNTED_STATUSES.join(', ')}` })
  counts?: string[];

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  rollover?: boolean;
}

export class BudgetQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-09-15',
    description: 'The day whose period the figures are for (default today, UTC)',
  })
  @IsOptional()
  @IsCalendarDate()
  on?: string;

  @ApiPropertyOptional({ enum: BUDGET_SCOPES, example: 'team' })
  @IsOptional()
  @IsIn(BUDGET_SCOPES, { message: `must be one of ${BUDGET_SCOPES.join(', ')}` })
  scope?: BudgetScope;
}

export class BudgetOnQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-09-15',
    description: 'The day whose period the figures are for (default today, UTC)',
  })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}

export class BudgetResponseDto {
  @ApiProperty({ format: 'uuid', example: '7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' }) id: string;
  @ApiProperty({ example: 'Sales travel' }) name: string;
  @ApiProperty({ enum: BUDGET_SCOPES, example: 'team' }) scope: BudgetScope;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  scope_id: string | null;
  @ApiProperty({ enum: BUDGET_PERIODS, example: 'month' }) period: BudgetPeriod;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: null, description: 'Custom budgets only' })
  starts_on: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: null, description: 'Custom budgets only' })
  ends_on: string | null;
  @ApiProperty({ example: '5000.00', description: 'Per period, decimal string in currency' }) amount: string;
  @ApiProperty({
    example: 'USD',
    description: 'The base currency the budget was made in; only spends in it consume it',
  })
  currency: string;
  @ApiProperty({ type: [String], enum: COUNTED_STATUSES, example: ['pending_approval', 'approved', 'paid'] })
  counts: string[];
  @ApiProperty({ example: false }) rollover: boolean;
  @ApiProperty({ format: 'date', example: '2026-09-15', description: 'The day the figures below are for' }) on: string;
  @ApiProperty({ format: 'date', example: '2026-09-01', description: 'First day of the period containing `on`' })
  period_start: string;
  @ApiProperty({ format: 'date', example: '2026-09-30', description: 'Last day of that period, inclusive' })
  period_end: string;
  @ApiProperty({
    example: '250.00',
    description: "The previous period's unused amount carried into this one (0 without rollover)",
  })
  rolled_over: string;
  @ApiProperty({ example: '3120.40', description: 'Approved and paid spends of the period' }) spent: string;
  @ApiProperty({ example: '480.00', description: 'Spends of the period pending approval' }) committed: string;
  @ApiProperty({
    example: '1649.60',
    description:
      'amount + rolled_over − spent − committed (committed only when counts includes pending_approval); negative when overspent',
  })
  remaining: string;
  @ApiProperty({
    example: 68.58,
    description: 'What the counted spends consumed, as a percentage of amount + rolled_over (two decimals)',
  })
  used_pct: number;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) created_by: string;
  @ApiProperty({ format: 'date-time', example: '2026-08-20T09:15:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-08-20T09:15:00.000Z' }) updated_at: string;
}
