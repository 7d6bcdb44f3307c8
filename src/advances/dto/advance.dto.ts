import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApprovalResponseDto } from '../../approvals/dto/approval.dto';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode, IsMoneyAmount } from '../../common/money/money.validators';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';
import { POLICY_ACTION } from '../../policies/dto/policy-rule.schema';
import { ADVANCE_STATUSES, AdvanceStatus } from '../advance';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAdvanceDto {
  @ApiProperty({
    example: '450.00',
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Decimal with at most the currency\'s minor digits ("1200" for JPY), greater than 0',
  })
  @IsMoneyAmount('currency')
  amount: string | number;

  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' })
  @IsCurrencyCode()
  currency: string;

  @ApiProperty({ example: 'Trade fair in Berlin: taxis and meals', minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  purpose: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2027-03-09',
    description: 'When the money is needed: today (UTC) or later',
  })
  @IsOptional()
  @IsCalendarDate()
  needed_by?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
    description:
      "One of the caller's own expense reports, whose balance the advance offsets once paid; anything else is 404 ADVANCE_REPORT_NOT_FOUND",
  })
  @IsOptional()
  @IsUUID('all')
  expense_report_id?: string;
}

export class ListAdvancesQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ enum: ADVANCE_STATUSES, example: 'requested' })
  @IsOptional()
  @IsIn(ADVANCE_STATUSES, { message: `must be one of ${ADVANCE_STATUSES.join(', ')}` })
  status?: AdvanceStatus;

  @ApiPropertyOptional({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' })
  @IsOptional()
  @IsUUID('all')
  user_id?: string;
}

export class PayAdvanceDto {
  @ApiProperty({
    example: 'SEPA-2026-03-05-0042',
    minLength: 1,
    maxLength: 200,
    description: 'Payment reference for accounting',
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reference: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-05T10:00:00.000Z',
    description: 'When it was paid; now by default',
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO-8601 date-time' })
  paid_at?: string;
}

/** A rule whose condition held for the advance, and why. */
export class AdvanceMatchedRuleDto {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) policy_id: string;
  @ApiProperty({ type: 'integer', example: 3 }) policy_version: number;
  @ApiProperty({ example: 'big-advance' }) rule_id: string;
  @ApiProperty({ type: 'integer', example: 1 }) priority: number;
  @ApiProperty({ allOf: [POLICY_ACTION], example: { type: 'require_approval', approver: 'finance' } }) action: object;
  @ApiProperty({
    example: 'advance_amount 60000 > 50000',
    description: "Why the condition held, with the advance's values",
  })
  reason: string;
  @ApiPropertyOptional({ example: 'small-advance', description: 'Set when a higher auto_approve overrode it' })
  overridden_by?: string;
}

export class AdvancePolicyDto {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) policy_id: string;
  @ApiProperty({ type: 'integer', example: 3 }) version: number;
}

export class AdvanceApproverDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) step: number;
  @ApiProperty({ example: 'finance', description: 'The approver the rule named' }) requirement: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) user_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'finance' }) role: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'How the approver was resolved' })
  note: string | null;
}

/** What the advance rules decided when the advance was requested. */
export class AdvanceEvaluationDto {
  @ApiProperty({
    enum: ['approved', 'pending_approval'],
    example: 'pending_approval',
    description: 'approved: no rule asked for an approval; a blocked advance is refused and never stored',
  })
  decision: string;
  @ApiProperty({ type: [AdvanceMatchedRuleDto] }) matched_rules: AdvanceMatchedRuleDto[];
  @ApiProperty({ type: [AdvancePolicyDto] }) policies: AdvancePolicyDto[];
  @ApiProperty({ type: [AdvanceApproverDto] }) approvers: AdvanceApproverDto[];
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) evaluated_at: string;
}

export class AdvanceResponseDto {
  @ApiProperty({ format: 'uuid', example: '8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ format: 'uuid', example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' }) organization_id: string;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) user_id: string;
  @ApiProperty({ example: '450.00', description: "Decimal string with the currency's minor digits" }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '486.00', description: 'amount in base_currency at the rate of the request day' })
  base_amount: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ example: '1.08' }) exchange_rate: string;
  @ApiProperty({ example: 'Trade fair in Berlin: taxis and meals' }) purpose: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: '2026-03-09' }) needed_by: string | null;
  @ApiProperty({ enum: ADVANCE_STATUSES, example: 'requested' }) status: AdvanceStatus;
  @ApiProperty({ type: AdvanceEvaluationDto }) policy_evaluation: AdvanceEvaluationDto;
  @ApiProperty({ type: [ApprovalResponseDto], description: 'Its approval steps, every round, in order' })
  approvals: ApprovalResponseDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) decided_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) paid_at: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) paid_by: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) paid_reference: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
    description: "The owner's expense report this advance offsets once paid",
  })
  expense_report_id: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) updated_at: string;
}
