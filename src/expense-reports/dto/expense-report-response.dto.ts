import { ApiProperty } from '@nestjs/swagger';
import { ApprovalResponseDto } from '../../approvals/dto/approval.dto';
import { schemaRef } from '../../common/swagger/named-schemas';
import { EvaluatedApproverDto, MatchedRuleDto, PolicyEvaluationDto } from '../../spends/dto/policy-evaluation.dto';
import { EXPENSE_REPORT_STATUSES } from '../expense-report.entity';

const LINE_STATUSES = ['draft', 'pending_approval', 'approved', 'rejected', 'paid'];

const APPROVER_EXAMPLE = {
  step: 1,
  requirement: 'manager',
  user_id: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
  role: null,
  note: null,
};
const MATCHED_RULE_EXAMPLE = {
  policy_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  policy_version: 1,
  rule_id: 'big-trip',
  priority: 1,
  action: { type: 'require_approval', approver: 'finance' },
  reason: 'report_total 2400 > 2000',
};
const REPORT_EVALUATION_EXAMPLE = {
  decision: 'pending_approval',
  matched_rules: [{ ...MATCHED_RULE_EXAMPLE, spend_id: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }],
  flags: [],
  approvers: [APPROVER_EXAMPLE],
  report_total: '2400.00',
  report_days: 3,
  report_spend_count: 4,
  evaluated_at: '2026-03-05T09:15:00.000Z',
};
const LINE_EVALUATION_EXAMPLE = {
  decision: 'pending_approval',
  matched_rules: [MATCHED_RULE_EXAMPLE],
  flags: [],
  awaiting_receipt: false,
  block_message: null,
  policies: [{ policy_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', version: 1 }],
  approvers: [APPROVER_EXAMPLE],
  evaluated_at: '2026-03-05T09:15:00.000Z',
};
const TOTALS_EXAMPLE = {
  total: '2400.00',
  approved_total: '2280.00',
  rejected_total: '120.00',
  base_currency: 'USD',
  spend_count: 4,
  receipt_count: 3,
  advances_total: '300.00',
  advances_pending: '0.00',
  balance: '1980.00',
  balance_direction: 'reimburse',
};
const ADVANCE_EXAMPLE = {
  id: '8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f',
  amount: '300.00',
  currency: 'USD',
  base_amount: '300.00',
  status: 'paid',
  paid_at: '2026-03-01T10:00:00.000Z',
};
const REPORT_EXAMPLE = {
  id: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  organization_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  user_id: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
  title: 'Berlin customer workshop',
  purpose: null,
  starts_on: '2026-03-02',
  ends_on: '2026-03-04',
  trip: 'Berlin, DE',
  status: 'partly_approved',
  approval_round: 1,
  total: '2400.00',
  approved_total: '2280.00',
  base_currency: 'USD',
  spend_count: 4,
  lines: [],
  advances: [ADVANCE_EXAMPLE],
  advances_total: '300.00',
  advances_pending: '0.00',
  balance: '1980.00',
  balance_direction: 'reimburse',
  policy_evaluation: REPORT_EVALUATION_EXAMPLE,
  approvals: [],
  submitted_at: '2026-03-05T09:15:00.000Z',
  decided_at: '2026-03-06T10:00:00.000Z',
  paid_at: null,
  payment_reference: null,
  created_at: '2026-03-05T09:15:00.000Z',
  updated_at: '2026-03-06T10:00:00.000Z',
};

export const BALANCE_DIRECTIONS = ['reimburse', 'owed_back', 'settled'] as const;
export type BalanceDirection = (typeof BALANCE_DIRECTIONS)[number];

/** A cash advance linked to the report; only a paid one offsets its balance. */
export class ReportAdvanceDto {
  @ApiProperty({ format: 'uuid', example: '8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: '300.00', description: "Decimal string with the currency's minor digits" }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({
    example: '300.00',
    description: "In the organization's base currency, at the rate of its request day",
  })
  base_amount: string;
  @ApiProperty({
    enum: ['requested', 'approved', 'rejected', 'cancelled', 'paid'],
    example: 'paid',
    description: 'Only `paid` offsets the balance; `approved` counts in advances_pending',
  })
  status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-01T10:00:00.000Z' })
  paid_at: string | null;
}

/** One spend of a report, as the report shows it. */
export class ExpenseReportLineDto {
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) spend_id: string;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) spend_date: string;
  @ApiProperty({ nullable: true, type: String, example: 'Lufthansa' }) merchant: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Flight FRA-BER' }) description: string | null;
  @ApiProperty({ example: '420.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '453.60', description: "In the organization's base currency" }) base_amount: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ enum: LINE_STATUSES, example: 'pending_approval', description: "The spend's status" })
  status: string;
  @ApiProperty({ type: [String], example: ['duplicate_suspected'] }) flags: string[];
  @ApiProperty({ type: 'integer', example: 1 }) receipt_count: number;
}

/** A rule that matched on some line of the report, with the first line it matched on. */
export class ReportMatchedRuleDto extends MatchedRuleDto {
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) spend_id: string;
}

/** What the policies said of the report as a whole at its last submission. */
export class ReportEvaluationDto {
  @ApiProperty({ enum: ['approved', 'pending_approval'], example: 'pending_approval' }) decision: string;
  @ApiProperty({
    type: [ReportMatchedRuleDto],
    example: REPORT_EVALUATION_EXAMPLE.matched_rules,
    description: 'Every rule that matched on some line, once, with `spend_id` the first line it matched on',
  })
  matched_rules: ReportMatchedRuleDto[];
  @ApiProperty({ type: [String], example: ['duplicate_suspected'], description: 'Every flag of every line' })
  flags: string[];
  @ApiProperty({ type: [EvaluatedApproverDto], example: [APPROVER_EXAMPLE] }) approvers: EvaluatedApproverDto[];
  @ApiProperty({ example: '2400.00', description: 'report_total as the policies saw it' }) report_total: string;
  @ApiProperty({ type: 'integer', example: 3 }) report_days: number;
  @ApiProperty({ type: 'integer', example: 4 }) report_spend_count: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-05T09:15:00.000Z' }) evaluated_at: string;
}

export class ExpenseReportResponseDto {
  @ApiProperty({ format: 'uuid', example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d' }) id: string;
  @ApiProperty({ format: 'uuid', example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) organization_id: string;
  @ApiProperty({ format: 'uuid', example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e', description: 'The owner' })
  user_id: string;
  @ApiProperty({ example: 'Berlin customer workshop' }) title: string;
  @ApiProperty({ nullable: true, type: String, example: 'Two-day workshop with the Acme procurement team' })
  purpose: string | null;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) starts_on: string;
  @ApiProperty({ format: 'date', example: '2026-03-04' }) ends_on: string;
  @ApiProperty({ nullable: true, type: String, example: 'Berlin, DE' }) trip: string | null;
  @ApiProperty({ enum: EXPENSE_REPORT_STATUSES, example: 'submitted' }) status: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'Submission round (each submission starts one)' })
  approval_round: number;
  @ApiProperty({ example: '2400.00', description: 'Every line, in the base currency' }) total: string;
  @ApiProperty({ example: '2280.00', description: 'The lines not rejected, in the base currency' })
  approved_total: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ type: 'integer', example: 4 }) spend_count: number;
  @ApiProperty({ type: [ExpenseReportLineDto], example: [] }) lines: ExpenseReportLineDto[];
  @ApiProperty({
    type: [ReportAdvanceDto],
    example: [ADVANCE_EXAMPLE],
    description: 'Cash advances linked to the report',
  })
  advances: ReportAdvanceDto[];
  @ApiProperty({ example: '300.00', description: 'The paid linked advances, in the base currency' })
  advances_total: string;
  @ApiProperty({
    example: '0.00',
    description: 'Linked advances approved but not yet paid, in the base currency: shown, not offset',
  })
  advances_pending: string;
  @ApiProperty({
    example: '1980.00',
    description: 'approved_total − advances_total; negative when the employee owes money back',
  })
  balance: string;
  @ApiProperty({
    enum: BALANCE_DIRECTIONS,
    example: 'reimburse',
    description: 'reimburse: the company pays the balance; owed_back: the employee repays it; settled: zero',
  })
  balance_direction: BalanceDirection;
  @ApiProperty({
    type: ReportEvaluationDto,
    nullable: true,
    example: REPORT_EVALUATION_EXAMPLE,
    description: 'What the policies said of the report at its last submission; null before the first',
  })
  policy_evaluation: ReportEvaluationDto | null;
  @ApiProperty({ type: [ApprovalResponseDto], example: [], description: 'Every step of every round' })
  approvals: ApprovalResponseDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-05T09:15:00.000Z' })
  submitted_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) decided_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) paid_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) payment_reference: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-05T09:15:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-05T09:15:00.000Z' }) updated_at: string;
}

/** A line in the summary: the spend with its receipts, policy outcome and, when rejected, why. */
export class SummaryLineDto extends ExpenseReportLineDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' })
  category_id: string | null;
  // A reference by name: receipts sit above spends and reports, and this module cannot import their DTO.
  @ApiProperty({ type: 'array', items: schemaRef('ReceiptResponseDto'), example: [] }) receipts: object[];
  @ApiProperty({
    type: PolicyEvaluationDto,
    nullable: true,
    example: LINE_EVALUATION_EXAMPLE,
    description: "The line's own evaluation at the report's last submission",
  })
  policy_evaluation: PolicyEvaluationDto | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: "The approver's comment when the line was rejected",
  })
  rejection_comment: string | null;
}

export class SummaryTotalsDto {
  @ApiProperty({ example: '2400.00' }) total: string;
  @ApiProperty({ example: '2280.00' }) approved_total: string;
  @ApiProperty({ example: '120.00' }) rejected_total: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ type: 'integer', example: 4 }) spend_count: number;
  @ApiProperty({ type: 'integer', example: 3 }) receipt_count: number;
  @ApiProperty({ example: '300.00', description: 'The paid linked advances' }) advances_total: string;
  @ApiProperty({ example: '0.00', description: 'Linked advances approved, not yet paid: not offset' })
  advances_pending: string;
  @ApiProperty({ example: '1980.00', description: 'approved_total − advances_total' }) balance: string;
  @ApiProperty({ enum: BALANCE_DIRECTIONS, example: 'reimburse' }) balance_direction: BalanceDirection;
}

/** GET /expense-reports/{id}/summary: what a PDF would say, as JSON. */
export class ExpenseReportSummaryDto {
  @ApiProperty({ type: ExpenseReportResponseDto, example: REPORT_EXAMPLE })
  report: ExpenseReportResponseDto;
  @ApiProperty({ type: [SummaryLineDto], example: [] }) lines: SummaryLineDto[];
  @ApiProperty({ type: SummaryTotalsDto, example: TOTALS_EXAMPLE })
  totals: SummaryTotalsDto;
  @ApiProperty({ type: [String], example: ['duplicate_suspected'], description: 'Every flag of every line' })
  flags: string[];
  @ApiProperty({ type: [ApprovalResponseDto], example: [], description: 'The approval history, every round' })
  approval_history: ApprovalResponseDto[];
  @ApiProperty({ format: 'date-time', example: '2026-03-06T10:00:00.000Z' }) generated_at: string;
}
