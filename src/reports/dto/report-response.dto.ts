import { ApiProperty } from '@nestjs/swagger';
import { SPEND_STATUSES } from '../../spends/spend.entity';
import { GROUPINGS } from '../report-filter';

export class SummaryGroupDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
    description:
      'The category, user or team id, the month (`2026-03`) or the status; null for spends without a category or team',
  })
  key: string | null;

  @ApiProperty({
    example: 'Travel',
    description: 'What people call the group: a name, `March 2026`, `Pending approval`, `Uncategorized`',
  })
  label: string;
  @ApiProperty({
    example: '1234.56',
    description: "Sum of base_amount, a decimal string with the base currency's digits",
  })
  total: string;
  @ApiProperty({ example: 12 }) count: number;
}

export class OtherBaseCurrencyDto {
  @ApiProperty({ example: 'EUR' }) base_currency: string;
  @ApiProperty({ example: '310.00' }) total: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class SummaryResponseDto {
  @ApiProperty({ example: 'USD', description: "The organization's base currency, in which every total is" })
  base_currency: string;
  @ApiProperty({ enum: GROUPINGS, example: 'category' }) group_by: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: '2026-01-01' }) from: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: '2026-03-31' }) to: string | null;
  @ApiProperty({
    enum: SPEND_STATUSES,
    isArray: true,
    example: ['pending_approval', 'approved', 'paid'],
    description: 'Statuses counted',
  })
  statuses: string[];
  @ApiProperty({ example: '1534.56', description: "Grand total: exactly the sum of the groups' totals" }) total: string;
  @ApiProperty({ example: 14 }) count: number;
  @ApiProperty({
    type: [SummaryGroupDto],
    example: [
      { key: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', label: 'Travel', total: '1234.56', count: 12 },
      { key: null, label: 'Uncategorized', total: '300.00', count: 2 },
    ],
  })
  groups: SummaryGroupDto[];

  @ApiProperty({
    type: [OtherBaseCurrencyDto],
    example: [],
    description:
      'Spends converted into an earlier base currency of the organization: amounts are never converted again, so they are left out of the totals and listed here',
  })
  other_base_currencies: OtherBaseCurrencyDto[];
}

export class PendingApprovalsDto {
  @ApiProperty({ example: 7, description: 'Spends waiting for a decision (pending_approval)' }) count: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-02T09:15:00.000Z',
    description: 'Submission of the one waiting longest',
  })
  oldest_submitted_at: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 52.5, description: 'Hours it has waited, to one decimal' })
  oldest_age_hours: number | null;
}

export class OverdueApproverDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null, description: 'Set for a person' })
  approver_user_id: string | null;
  @ApiProperty({ enum: ['finance', 'admin'], nullable: true, type: String, example: 'finance' })
  approver_role: 'finance' | 'admin' | null;
  @ApiProperty({ example: 2 }) count: number;
}

export class OverdueApprovalsDto {
  @ApiProperty({
    example: 3,
    description:
      "Pending approval steps (of spends, expense reports and advances) past the organization's approval SLA; 0 when it is off",
  })
  count: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-02-27T08:00:00.000Z',
    description: 'When the one overdue longest became pending',
  })
  oldest_pending_since: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 101.5,
    description: 'Hours it has been pending, to one decimal',
  })
  oldest_age_hours: number | null;
  @ApiProperty({
    type: [OverdueApproverDto],
    example: [{ approver_user_id: null, approver_role: 'finance', count: 2 }],
    description: 'By approver (a person or a role), most overdue steps first, 20 at most',
  })
  by_approver: OverdueApproverDto[];
}

export class MonthSpendDto {
  @ApiProperty({ example: '2026-03' }) month: string;
  @ApiProperty({ format: 'date', example: '2026-03-01' }) from: string;
  @ApiProperty({ format: 'date', example: '2026-03-31' }) to: string;
  @ApiProperty({ example: '4210.75' }) total: string;
  @ApiProperty({ example: 31 }) count: number;
}

export class PeriodDto {
  @ApiProperty({ format: 'date', example: '2026-03-01' }) from: string;
  @ApiProperty({ format: 'date', example: '2026-03-31' }) to: string;
}

export class FlagCountDto {
  @ApiProperty({ example: 'duplicate_suspected' }) flag: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class PolicyViolationsDto {
  @ApiProperty({ example: 1, description: 'Spends of the period that a policy blocked' }) blocked: number;
  @ApiProperty({ example: 3, description: 'Submitted spends of the period that carry at least one flag' })
  flagged: number;
  @ApiProperty({
    type: [FlagCountDto],
    example: [
      { flag: 'duplicate_suspected', count: 2 },
      { flag: 'missing_receipt', count: 1 },
    ],
  })
  by_flag: FlagCountDto[];
}

export class DashboardResponseDto {
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({
    example: 'Europe/Berlin',
    description: 'The organization\'s time zone setting (UTC when unset), which decides what "this month" is',
  })
  timezone: string;
  @ApiProperty({
    type: PeriodDto,
    example: { from: '2026-03-01', to: '2026-03-31' },
    description: 'Of top_categories, policy_violations and avg_approval_hours: `from`/`to`, else this month',
  })
  period: PeriodDto;

  @ApiProperty({
    type: PendingApprovalsDto,
    example: { count: 7, oldest_submitted_at: '2026-03-02T09:15:00.000Z', oldest_age_hours: 52.5 },
  })
  pending_approvals: PendingApprovalsDto;

  @ApiProperty({
    type: OverdueApprovalsDto,
    example: {
      count: 3,
      oldest_pending_since: '2026-02-27T08:00:00.000Z',
      oldest_age_hours: 101.5,
      // A role's row: an example with `approver_role: null` would fail the enum (OpenAPI 3.0 lists no null in it).
      by_approver: [{ approver_user_id: null, approver_role: 'finance', count: 2 }],
    },
    description:
      "Approval steps past the approval SLA (docs/approvals-sla.md): the organization's for finance, admin and accountant; a manager's own (named to them)",
  })
  overdue_approvals: OverdueApprovalsDto;

  @ApiProperty({
    type: MonthSpendDto,
    example: { month: '2026-03', from: '2026-03-01', to: '2026-03-31', total: '4210.75', count: 31 },
  })
  spend_this_month: MonthSpendDto;

  @ApiProperty({
    type: MonthSpendDto,
    example: { month: '2026-02', from: '2026-02-01', to: '2026-02-28', total: '3980.10', count: 28 },
  })
  spend_last_month: MonthSpendDto;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 26.4,
    description:
      "Mean hours from submission to the final decision (approved or rejected) of the period's spends that waited for an approver; null when none did",
  })
  avg_approval_hours: number | null;

  @ApiProperty({
    type: [SummaryGroupDto],
    example: [{ key: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', label: 'Travel', total: '2310.00', count: 9 }],
    description: "The period's five largest categories",
  })
  top_categories: SummaryGroupDto[];

  @ApiProperty({
    type: PolicyViolationsDto,
    example: {
      blocked: 1,
      flagged: 3,
      by_flag: [
        { flag: 'duplicate_suspected', count: 2 },
        { flag: 'missing_receipt', count: 1 },
      ],
    },
  })
  policy_violations: PolicyViolationsDto;

  @ApiProperty({ format: 'date-time', example: '2026-03-04T13:45:00.000Z' }) generated_at: string;
}
