import { ApiProperty } from '@nestjs/swagger';
import { BUDGET_PERIODS } from '../../spends/budgets/budget-period';
import { BUDGET_SCOPES } from '../../spends/budgets/budget';

export class BudgetReportRowDto {
  @ApiProperty({ format: 'uuid', example: '7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' }) budget_id: string;
  @ApiProperty({ example: 'Sales travel' }) name: string;
  @ApiProperty({ enum: BUDGET_SCOPES, example: 'team' }) scope: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  scope_id: string | null;
  @ApiProperty({ enum: BUDGET_PERIODS, example: 'month' }) period: string;
  @ApiProperty({ format: 'date', example: '2026-09-01' }) period_start: string;
  @ApiProperty({ format: 'date', example: '2026-09-30' }) period_end: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '5000.00' }) amount: string;
  @ApiProperty({ example: '0.00' }) rolled_over: string;
  @ApiProperty({ example: '3120.40', description: 'Approved and paid spends of the period' }) spent: string;
  @ApiProperty({ example: '480.00', description: 'Pending spends of the period' }) committed: string;
  @ApiProperty({ example: '1399.60' }) remaining: string;
  @ApiProperty({ example: 72.0 }) used_pct: number;
  @ApiProperty({ example: false, description: 'remaining is below zero' }) over_budget: boolean;
}

export class BudgetReportTotalDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '5000.00', description: "Sum of the budgets' amounts in this currency" }) amount: string;
  @ApiProperty({ example: '3120.40' }) spent: string;
  @ApiProperty({ example: '480.00' }) committed: string;
}

export class BudgetReportResponseDto {
  @ApiProperty({ format: 'date', example: '2026-09-15' }) on: string;
  @ApiProperty({ type: [BudgetReportRowDto] }) budgets: BudgetReportRowDto[];
  @ApiProperty({ example: 0 }) over_budget_count: number;
  @ApiProperty({
    type: [BudgetReportTotalDto],
    description:
      'Per budget currency. A spend consumes every budget whose scope it falls in, so these are sums of budgets, not of spends',
  })
  totals: BudgetReportTotalDto[];
}
