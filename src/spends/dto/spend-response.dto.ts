import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ApprovalResponseDto } from '../../approvals/dto/approval.dto';
import { namedSchema, schemaRef } from '../../common/swagger/named-schemas';
import { SPEND_SOURCES, SPEND_STATUSES } from '../spend.entity';
import { PolicyEvaluationDto } from './policy-evaluation.dto';

export { SimulationResponseDto } from './policy-evaluation.dto';

/** What a mileage spend was priced from; kept with the spend, whatever later happens to the rate. */
export class MileageComputationDto {
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

/** One day of a per diem trip: the rate in force that day, the kind of day, the meals taken off. */
export class PerDiemDayDto {
  @ApiProperty({ format: 'date', example: '2026-03-03' }) date: string;
  @ApiProperty({
    enum: ['full', 'partial'],
    example: 'full',
    description: 'partial: the first or last day of the trip, or a one-day trip',
  })
  day_type: 'full' | 'partial';
  @ApiProperty({ format: 'uuid', example: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) rate_id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Berlin',
    description: "The rate's city; null when the country's rate applied",
  })
  rate_city: string | null;
  @ApiProperty({ example: 2800, description: "The rate's full- or partial-day amount, in minor units" })
  base_minor: number;
  @ApiProperty({ enum: ['breakfast', 'lunch', 'dinner'], isArray: true, example: ['breakfast'] })
  meals_provided: Array<'breakfast' | 'lunch' | 'dinner'>;
  @ApiProperty({
    example: 560,
    description: 'Taken off for the meals provided (percent of the full-day amount each), at most base_minor',
  })
  deduction_minor: number;
  @ApiProperty({ example: 2240, description: 'base_minor − deduction_minor, never below 0' })
  amount_minor: number;
}

const PER_DIEM_DAYS_EXAMPLE = [
  {
    date: '2026-03-02',
    day_type: 'partial',
    rate_id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    rate_city: 'Berlin',
    base_minor: 1400,
    meals_provided: [],
    deduction_minor: 0,
    amount_minor: 1400,
  },
  {
    date: '2026-03-03',
    day_type: 'partial',
    rate_id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    rate_city: 'Berlin',
    base_minor: 1400,
    meals_provided: ['breakfast'],
    deduction_minor: 560,
    amount_minor: 840,
  },
];

/** What a per diem spend was priced from, day by day; kept with the spend, whatever later happens to the rates. */
export class PerDiemComputationDto {
  @ApiProperty({ enum: ['per_diem'], example: 'per_diem' }) kind: 'per_diem';
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiProperty({ nullable: true, type: String, example: 'Berlin' }) city: string | null;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) start_date: string;
  @ApiProperty({ format: 'date', example: '2026-03-03' }) end_date: string;
  @ApiProperty({
    example: 2,
    description: 'Days of the trip, full and partial (what the policy field `per_diem_days` tests)',
  })
  day_count: number;
  @ApiProperty({ example: 0 }) full_days: number;
  @ApiProperty({ example: 2 }) partial_days: number;
  @ApiProperty({ type: [PerDiemDayDto], example: PER_DIEM_DAYS_EXAMPLE }) days: PerDiemDayDto[];
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '560', description: 'Sum of the days’ deduction_minor' }) deduction_minor: string;
  @ApiProperty({ example: '2240', description: 'Sum of the days’ amount_minor: the spend’s amount in minor units' })
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

/**
 * A computed spend's breakdown, the mileage or the per diem one, told apart by `kind`. The class
 * only names the union for properties; its schema is the `oneOf` registered under its name, which
 * replaces the empty one Swagger derives from the class (OpenAPI 3.0 lets `nullable` stand only
 * beside a `type`, which @nestjs/swagger drops from a property declared with `oneOf`). No
 * `discriminator`: behind the property's `allOf` it would read as inheritance, and generated
 * clients drop `kind` from the type; each member's one-value `kind` enum tells them apart.
 */
export class SpendComputationDto {}
namedSchema('SpendComputationDto', {
  oneOf: [{ $ref: getSchemaPath(MileageComputationDto) }, { $ref: getSchemaPath(PerDiemComputationDto) }],
});

@ApiExtraModels(MileageComputationDto, PerDiemComputationDto)
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
    description:
      'For source mileage or per_diem, what the amount was computed from (`kind` says which); null for every other spend',
  })
  computation: MileageComputationDto | PerDiemComputationDto | null;
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
