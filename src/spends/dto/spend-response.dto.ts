import { ApiProperty } from '@nestjs/swagger';
import { ApprovalResponseDto } from '../../approvals/dto/approval.dto';
import { schemaRef } from '../../common/swagger/named-schemas';
import { SPEND_SOURCES, SPEND_STATUSES } from '../spend.entity';
import { PolicyEvaluationDto } from './policy-evaluation.dto';

export { SimulationResponseDto } from './policy-evaluation.dto';

/** What a mileage spend was priced from; kept with the spend, whatever later happens to the rate. */
export class SpendComputationDto {
  @ApiProperty({ enum: ['mileage'], example: 'mileage' }) kind: 'mileage';
  @ApiProperty({ example: 'car' }) vehicle_type: string;
  @ApiProperty({ example: 182.5 }) distance: number;
  @ApiProperty({ enum: ['km', 'mi'], example: 'km' }) unit: 'km' | 'mi';
  @ApiProperty({ example: 182.5, description: 'The distance in km (what the policy field `distance` tests)' })
  distance_km: number;
  @ApiProperty({ format: 'uuid', example: '3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }) rate_id: string;
  @ApiProperty({ example: 30000, description: 'Thousandths of a minor unit per unit of distance' })
  rate_milli_minor: number;
  @ApiProperty({ format: 'date', example: '2026-01-01' }) rate_valid_from: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '5475', description: 'distance × rate in minor units, rounded half up' })
  amount_minor: string;
}

const EVALUATION_EXAMPLE = {
  decision: 'pending_approval',
  matched_rules: [
    {
      policy_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
      policy_version: 3,
      rule_id: 'big-spend',
      priority: 1,
      action: { type: 'require_approval', approver: 'manager' },
      reason: 'amount 650.2 > 500',
    },
  ],
  flags: [],
  awaiting_receipt: false,
  block_message: null,
  policies: [{ policy_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', version: 3 }],
  approvers: [
    { step: 1, requirement: 'manager', user_id: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e', role: null, note: null },
  ],
  evaluated_at: '2026-03-02T09:15:00.000Z',
};

export class SpendResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) id: string;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) user_id: string;
  @ApiProperty({ format: 'uuid', example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' }) organization_id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) team_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d' })
  category_id: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) vendor_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Lufthansa' }) merchant: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Flight FRA-BER' }) description: string | null;
  @ApiProperty({ example: '600.75', description: "Decimal string with the currency's minor digits" }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '650.19', description: 'amount converted into base_currency at the rate of spend_date' })
  base_amount: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ example: '1.0823', description: 'Units of base_currency per unit of currency used for base_amount' })
  exchange_rate: string;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) spend_date: string;
  @ApiProperty({ enum: SPEND_SOURCES, example: 'manual' }) source: string;
  @ApiProperty({ enum: SPEND_STATUSES, example: 'pending_approval' }) status: string;
  @ApiProperty({
    type: PolicyEvaluationDto,
    nullable: true,
    example: EVALUATION_EXAMPLE,
    description: 'What the policies decided at the last submission and why; null for a draft never submitted',
  })
  policy_evaluation: PolicyEvaluationDto | null;
  @ApiProperty({
    type: SpendComputationDto,
    nullable: true,
    example: {
      kind: 'mileage',
      vehicle_type: 'car',
      distance: 182.5,
      unit: 'km',
      distance_km: 182.5,
      rate_id: '3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
      rate_milli_minor: 30000,
      rate_valid_from: '2026-01-01',
      currency: 'EUR',
      amount_minor: '5475',
    },
    description: 'For source mileage, what the amount was computed from; null for every other spend',
  })
  computation: SpendComputationDto | null;
  // A reference by name: receipts depend on spends, so this module cannot import their DTO.
  @ApiProperty({
    type: 'array',
    items: schemaRef('ReceiptResponseDto'),
    example: [],
    description: 'Receipts attached to the spend',
  })
  receipts: object[];
  @ApiProperty({ type: [ApprovalResponseDto], example: [] }) approvals: ApprovalResponseDto[];
  @ApiProperty({ type: [String], example: ['duplicate_suspected'] }) flags: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-02T09:15:00.000Z' })
  submitted_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) decided_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) paid_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) payment_reference: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description:
      'The expense report the spend is a line of; such a spend is submitted, decided and paid with its report',
  })
  expense_report_id: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) updated_at: string;
}
