import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, registerDecorator, ValidationArguments } from 'class-validator';
import { isCalendarDate } from '../../common/dates';
import { IsCalendarDate } from '../../common/dates.validators';
import { BUDGET_SCOPES, type BudgetScope } from '../../spends/budgets/budget';
import { SPEND_STATUSES, SpendStatus } from '../../spends/spend.entity';
import { CHART_GROUPINGS, ChartGrouping, EXPORT_FORMATS, ExportFormat, GROUPINGS, Grouping } from '../report-filter';

/** `to` must not be before `from`: an empty range is a client's mistake, not an empty report. */
function IsNotBeforeFrom() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBeforeFrom',
      target: target.constructor,
      propertyName,
      options: { message: 'must not be before from' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const from = (args.object as { from?: unknown }).from;
          return !isCalendarDate(value) || !isCalendarDate(from) || from <= value;
        },
      },
    });
}

/** `status=approved,paid` or `status=approved&status=paid`. */
const toStatusList = ({ value }: { value: unknown }) => {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return value === undefined ? undefined : parts.map((v) => (typeof v === 'string' ? v.trim() : v));
};

/** OpenAPI's way of saying `status=approved,paid` (the decorator's types do not list these parameter fields). */
const COMMA_SEPARATED = { style: 'form', explode: false } as object;

export class ReportRangeQuery {
  @ApiPropertyOptional({ format: 'date', example: '2026-01-01', description: 'First spend_date included' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-03-31',
    description: 'Last spend_date included; not before `from`',
  })
  @IsOptional()
  @IsCalendarDate()
  @IsNotBeforeFrom()
  to?: string;
}

export class ReportFilterQuery extends ReportRangeQuery {
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    enum: SPEND_STATUSES,
    example: ['approved', 'paid'],
    ...COMMA_SEPARATED,
    description:
      'Statuses to include, comma-separated; default pending_approval, approved and paid (submitted, neither refused nor withdrawn)',
  })
  @IsOptional()
  @Transform(toStatusList)
  @IsArray()
  @ArrayMaxSize(SPEND_STATUSES.length * 2)
  @IsIn(SPEND_STATUSES, { each: true, message: `each value must be one of ${SPEND_STATUSES.join(', ')}` })
  status?: SpendStatus[];
}

export class SummaryQuery extends ReportFilterQuery {
  @ApiPropertyOptional({ enum: GROUPINGS, default: 'category', example: 'category' })
  @IsOptional()
  @IsIn(GROUPINGS, { message: `must be one of ${GROUPINGS.join(', ')}` })
  group_by: Grouping = 'category';
}

export class DashboardQuery extends ReportRangeQuery {}

export class ExportQuery extends ReportFilterQuery {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    default: 'csv',
    example: 'csv',
    description:
      '`csv`: one row per spend; `xlsx`: the same as a typed spreadsheet with totals and a summary sheet; `journal_csv`: balanced accounting journal lines (approved and paid spends only)',
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` })
  format: ExportFormat = 'csv';
}

export class ChartQuery extends ReportFilterQuery {
  @ApiPropertyOptional({ enum: CHART_GROUPINGS, default: 'month', example: 'month' })
  @IsOptional()
  @IsIn(CHART_GROUPINGS, { message: `must be one of ${CHART_GROUPINGS.join(', ')}` })
  group_by: ChartGrouping = 'month';
}

export class BudgetReportQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-09-15',
    description: 'The day whose period each budget is reported for (default today, UTC)',
  })
  @IsOptional()
  @IsCalendarDate()
  on?: string;

  @ApiPropertyOptional({ enum: BUDGET_SCOPES, example: 'team', description: 'Only the budgets of this scope' })
  @IsOptional()
  @IsIn(BUDGET_SCOPES, { message: `must be one of ${BUDGET_SCOPES.join(', ')}` })
  scope?: BudgetScope;
}
