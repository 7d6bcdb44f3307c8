import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { RULES_DESCRIPTION } from '../../policies/dto/policy.dto';
import { POLICY_RULE_INPUT, RULES_LIMITS } from '../../policies/dto/policy-rule.schema';

const DRAFT_RULES_EXAMPLE = [
  {
    id: 'finance-above-500',
    condition: { amount_gt: 500 },
    action: { type: 'require_approval', approver: 'finance' },
    priority: 1,
  },
];

const OUTCOMES = ['approved', 'pending_approval', 'awaiting_receipt', 'blocked'];

export class BacktestDraftPolicyDto {
  @ApiProperty({
    type: 'array',
    items: POLICY_RULE_INPUT,
    ...RULES_LIMITS,
    example: DRAFT_RULES_EXAMPLE,
    description: RULES_DESCRIPTION,
  })
  @IsArray()
  rules: unknown[];
}

export class BacktestRequestDto {
  @ApiProperty({ format: 'date', example: '2026-01-01', description: 'First spend_date of the period' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2026-03-31',
    description: 'Last spend_date of the period; at most 366 days after from',
  })
  @IsCalendarDate()
  to: string;

  @ApiPropertyOptional({
    type: () => BacktestDraftPolicyDto,
    example: { rules: DRAFT_RULES_EXAMPLE },
    description: 'A draft policy added to the active ones for the run. Give this, or policy_id with rules.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BacktestDraftPolicyDto)
  policy?: BacktestDraftPolicyDto;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    description: 'An existing policy whose rules `rules` replace for the run (an inactive one joins the run)',
  })
  @IsOptional()
  @IsUUID()
  policy_id?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: POLICY_RULE_INPUT,
    ...RULES_LIMITS,
    example: DRAFT_RULES_EXAMPLE,
    description: 'With policy_id: the rules that policy would have',
  })
  @IsOptional()
  @IsArray()
  rules?: unknown[];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20, description: 'Changed spends shown' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  sample_size?: number;
}

export class BacktestPeriodDto {
  @ApiProperty({ format: 'date', example: '2026-01-01' }) from: string;
  @ApiProperty({ format: 'date', example: '2026-03-31' }) to: string;
}

export class BacktestTransitionDto {
  @ApiProperty({ enum: OUTCOMES, example: 'approved' }) from: string;
  @ApiProperty({ enum: OUTCOMES, example: 'pending_approval' }) to: string;
  @ApiProperty({ example: 12 }) count: number;
  @ApiProperty({ example: '8450.00', description: 'Sum of the base amounts, in the base currency' })
  amount_base: string;
}

export class BacktestChangedDto {
  @ApiProperty({ example: 12 }) count: number;
  @ApiProperty({ example: '8450.00', description: 'Sum of the changed spends’ base amounts' }) amount_base: string;
  @ApiProperty({
    type: [BacktestTransitionDto],
    example: [{ from: 'approved', to: 'pending_approval', count: 12, amount_base: '8450.00' }],
  })
  by_transition: BacktestTransitionDto[];
}

export class BacktestApproverDto {
  @ApiProperty({
    example: 'finance',
    description: 'What the rule asked for: manager, team_lead, finance, admin, user:<uuid>',
  })
  requirement: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: null, description: 'The person asked' })
  user_id: string | null;
  @ApiPropertyOptional({
    enum: ['finance', 'admin'],
    nullable: true,
    type: String,
    example: 'finance',
    description: 'The role asked (also a fallback)',
  })
  role: string | null;
  @ApiProperty({ example: 12, description: 'Changed spends whose new chain includes this approver' }) count: number;
}

export class BacktestSampleDto {
  @ApiProperty({ format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' }) spend_id: string;
  @ApiProperty({ format: 'date', example: '2026-02-14' }) spend_date: string;
  @ApiProperty({ example: '650.00 USD', description: 'The spend’s amount in its own currency' }) amount: string;
  @ApiProperty({ example: '650.00', description: 'In the base currency' }) base_amount: string;
  @ApiProperty({ enum: OUTCOMES, example: 'approved' }) from: string;
  @ApiProperty({ enum: OUTCOMES, example: 'pending_approval' }) to: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'finance-above-500',
    description: 'The draft’s rule behind the change',
  })
  rule_id: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'amount 650 > 500' }) rule_reason: string | null;
}

export class BacktestResponseDto {
  @ApiProperty({ type: BacktestPeriodDto, example: { from: '2026-01-01', to: '2026-03-31' } })
  period: BacktestPeriodDto;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ example: 420 }) spends_evaluated: number;
  @ApiProperty({ type: BacktestChangedDto, example: { count: 12, amount_base: '8450.00', by_transition: [] } })
  changed: BacktestChangedDto;
  @ApiProperty({
    type: [BacktestApproverDto],
    example: [{ requirement: 'finance', user_id: null, role: 'finance', count: 12 }],
  })
  approvers_asked: BacktestApproverDto[];
  @ApiProperty({ type: [BacktestSampleDto], example: [] }) sample: BacktestSampleDto[];
  @ApiProperty({ example: 408 }) unchanged_count: number;
  @ApiProperty({ example: 38 }) duration_ms: number;
}
