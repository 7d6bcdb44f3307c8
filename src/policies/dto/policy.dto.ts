import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { POLICY_RULE, POLICY_RULE_INPUT, RULES_LIMITS } from './policy-rule.schema';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const RULES_EXAMPLE = [
  {
    id: 'big-spend',
    condition: { amount_gt: 500 },
    action: { type: 'require_approval', approver: 'manager' },
    priority: 1,
  },
  {
    id: 'travel-finance',
    condition: { all: [{ category_eq: 'Travel' }, { amount_gt: 2000 }] },
    action: { type: 'require_approval', approver: 'finance' },
    priority: 2,
  },
  {
    id: 'no-gambling',
    condition: { merchant_contains: 'casino' },
    action: { type: 'block', message: 'Gambling is never reimbursed' },
    priority: 0,
  },
];

export const RULES_DESCRIPTION =
  'Rules run by priority (lower first). A condition is an object of `field_operator: value` tests that must all hold, or `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}`. ' +
  'Operators: eq, ne, gt, gte, lt, lte, in, not_in, contains. Fields: amount (in the base currency), currency, category, category_id, vendor_id, merchant, description, team_id, user_id, ' +
  'user_role, source, has_receipt, receipt_verified, weekday, days_since_spend, distance (km of a mileage spend, miles converted; 0 otherwise), per_diem_days (days of a per diem trip, full and partial; 0 otherwise), flags; and, while a spend is evaluated as a line of an expense report, report_total (the total of the report in the base currency), report_days and report_spend_count (absent otherwise), e.g. `{"report_total_gt": 2000}`. Actions: require_approval (approver manager | finance | admin | team_lead | user:<uuid>), ' +
  'auto_approve, block (message), flag (flag), require_receipt. An unknown field, operator or action is refused with 422 INVALID_POLICY_RULE naming where.';

export class PolicyResponseDto {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) id: string;
  @ApiProperty({ example: 'HighValue' }) name: string;
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ example: 3, description: 'Bumped on every change; evaluations record the version they used' })
  version: number;
  @ApiProperty({ type: 'array', items: POLICY_RULE, example: RULES_EXAMPLE, description: RULES_DESCRIPTION })
  rules: object[];
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-04T09:30:00.000Z' }) updated_at: string;
}

export class CreatePolicyDto {
  @ApiProperty({ example: 'HighValue', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiProperty({
    type: 'array',
    items: POLICY_RULE_INPUT,
    ...RULES_LIMITS,
    example: RULES_EXAMPLE,
    description: RULES_DESCRIPTION,
  })
  @IsArray()
  rules: unknown[];
}

export class UpdatePolicyDto {
  @ApiPropertyOptional({ example: 'HighValue', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    type: 'array',
    items: POLICY_RULE_INPUT,
    ...RULES_LIMITS,
    example: RULES_EXAMPLE,
    description: RULES_DESCRIPTION,
  })
  @IsOptional()
  @IsArray()
  rules?: unknown[];
}

export class ListPoliciesQuery extends PageQueryDto {}
