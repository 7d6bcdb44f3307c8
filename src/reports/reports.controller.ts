import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { ApiProblems } from '../common/swagger/api-problems.decorator';
import { AppConfig } from '../config/app-config';
import { BudgetReportResponseDto } from './dto/budget-report.dto';
import { BudgetReportQuery, ChartQuery, DashboardQuery, ExportQuery, SummaryQuery } from './dto/report-query.dto';
import { DashboardResponseDto, SummaryResponseDto } from './dto/report-response.dto';
import { CHART_HEIGHT, CHART_WIDTH } from './chart/bar-chart';
import { ReportErrors } from './reports.errors';
import { BudgetReport } from './use-cases/budget-report';
import { ChartReport, MAX_CHART_MONTHS } from './use-cases/chart-report';
import { DashboardReport } from './use-cases/dashboard-report';
import { SpendExport } from './use-cases/spend-export';
import { SummaryReport } from './use-cases/summary-report';

const BAD_QUERY = [
  CommonErrors.VALIDATION_FAILED,
  '1 field failed validation: group_by must be one of category, user, team, month, status',
] as const;
const SCOPE =
  'Finance, admin and accountant see the whole organization; managers the spends they may see in GET /spends (their reporting line, the teams they lead, ' +
  'the spends they are an approver of); employees are refused. Without `status`, spends pending approval, approved and paid are counted; `from`/`to` bound spend_date, inclusive.';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_EXAMPLE = [
  'spend_id,spend_date,status,owner,owner_email,team,category,category_code,vendor,merchant,description,amount,currency,base_amount,base_currency,exchange_rate,' +
    'submitted_at,decided_at,paid_at,payment_reference,flags,receipts,step_1_approver,step_1_decision,step_1_decided_at',
  '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c,2026-03-02,paid,Ann Smith,ann@acme.test,Sales,Travel,6400,,Lufthansa,Flight FRA-BER,600.75,EUR,650.19,USD,1.0823,' +
    '2026-03-02T09:15:00.000Z,2026-03-02T11:40:00.000Z,2026-03-05T10:00:00.000Z,SEPA-0042,,https://spendin.example.com/api/v1/receipts/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/file,Mary Major,approved,2026-03-02T11:40:00.000Z',
  '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d,2026-03-03,approved,Bob Jones,bob@acme.test,,Meals,6410,,\'=HYPERLINK("http://x"),Team lunch,120.00,USD,120.00,USD,1,' +
    '2026-03-03T12:00:00.000Z,2026-03-03T12:00:00.000Z,,,duplicate_suspected,,,,',
].join('\r\n');
const JOURNAL_EXAMPLE = [
  'date,entry,account,description,debit,credit,currency,spend_id',
  '2026-03-02,3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c,6400,Lufthansa (Ann Smith),650.19,,USD,3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
  '2026-03-02,3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c,2100,Payable to Ann Smith,,650.19,USD,3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
].join('\r\n');

@ApiTags('Reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly summary: SummaryReport,
    private readonly dashboard: DashboardReport,
    private readonly exports: SpendExport,
    private readonly chart: ChartReport,
    private readonly budgets: BudgetReport,
    private readonly config: AppConfig,
  ) {}

  @Get('budgets')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'Spends grouped by budget: spent, committed and remaining of each budget',
    description:
      'Every budget the caller reads (as GET /budgets: finance, admin and the accountant all; managers those of the teams they belong to or lead, and their own), ' +
      'with the figures of the period containing `on` (default today), whether it is over budget, and the sums per currency. Oldest budget first.',
  })
  @ApiOkResponse({ type: BudgetReportResponseDto })
  @ApiProblems([
    CommonErrors.VALIDATION_FAILED,
    '1 field failed validation: on must be a calendar date written YYYY-MM-DD',
  ])
  getBudgets(@CurrentActor() actor: Actor, @Query() query: BudgetReportQuery): Promise<BudgetReportResponseDto> {
    return this.budgets.execute(actor, query);
  }

  @Get('summary')
  @RateLimited('reports')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'Spend totals grouped by category, user, team, month or status',
    description:
      `Totals and counts in the organization's base currency, summed exactly from each spend's stored base_amount (never converted again); ` +
      `the groups add up to the total. Spends stored in an earlier base currency are listed apart in other_base_currencies. ${SCOPE}`,
  })
  @ApiOkResponse({ type: SummaryResponseDto })
  @ApiProblems(BAD_QUERY)
  get(@CurrentActor() actor: Actor, @Query() query: SummaryQuery): Promise<SummaryResponseDto> {
    return this.summary.execute(actor, query);
  }

  @Get('dashboard')
  @RateLimited('reports')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary:
      'The dashboard: pending approvals, this month against last, decision time, top categories, policy violations',
    description:
      "Months are calendar months in the organization's time zone (settings.timezone, UTC when unset). top_categories, avg_approval_hours and " +
      `policy_violations cover the period: \`from\`/\`to\` when given, else this month. ${SCOPE}`,
  })
  @ApiOkResponse({ type: DashboardResponseDto })
  @ApiProblems([CommonErrors.VALIDATION_FAILED, '1 field failed validation: to must not be before from'])
  getDashboard(@CurrentActor() actor: Actor, @Query() query: DashboardQuery): Promise<DashboardResponseDto> {
    return this.dashboard.execute(actor, query);
  }

  @Get('export')
  @RateLimited('exports')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'Download spends with their approvals: CSV, XLSX or an accounting journal',
    description:
      'One row per spend, oldest spend_date first: owner, team, category (and its code), vendor, merchant, original and base amounts, status, ' +
      'each approval step of the current round (approver, decision, time), receipt links and flags. Streamed: any number of spends in constant memory.\n\n' +
      '- `csv`: RFC 4180, UTF-8, CRLF. A text cell starting with =, +, -, @, tab or CR gets a leading single quote so that no spreadsheet runs it; amounts stay plain numbers.\n' +
      '- `xlsx`: typed number and date cells (times in UTC), a totals row, and a "Summary by month" sheet equal to GET /reports/summary?group_by=month; ' +
      "up to 1,048,000 spends (one sheet's rows), more is 422 EXPORT_TOO_LARGE.\n" +
      "- `journal_csv`: per spend a debit of its base amount to its category's code (JOURNAL_EXPENSE_ACCOUNT, default 6000, when it has none) and a credit " +
      'to employee payables (JOURNAL_PAYABLES_ACCOUNT, default 2100); debits equal credits exactly. Approved and paid spends only.\n\n' +
      SCOPE,
  })
  @ApiProduces('text/csv', XLSX)
  @ApiOkResponse({
    description: 'The file, as an attachment named `spends-<from>-to-<to>.csv|xlsx` or `journal-<from>-to-<to>.csv`',
    content: {
      'text/csv': {
        schema: { type: 'string', format: 'binary' },
        examples: {
          csv: { summary: 'format=csv', value: CSV_EXAMPLE },
          journal_csv: { summary: 'format=journal_csv', value: JOURNAL_EXAMPLE },
        },
      },
      [XLSX]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(
    [CommonErrors.VALIDATION_FAILED, '1 field failed validation: format must be one of csv, xlsx, journal_csv'],
    [
      ReportErrors.EXPORT_TOO_LARGE,
      '1200000 spends match; a spreadsheet holds 1048000 at most. Narrow from/to or status, or use format=csv',
    ],
  )
  async export(
    @CurrentActor() actor: Actor,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    // Receipt links use the configured public address, never the Host header a client chose.
    const file = await this.exports.execute(actor, query, this.config.publicUrl ?? '');
    response.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Get('chart.png')
  @RateLimited('reports')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'Spend per month or per category as a PNG bar chart',
    description:
      `A ${CHART_WIDTH}×${CHART_HEIGHT} PNG: the summary report drawn as bars, with the period and base currency in the title and each bar's amount on it. ` +
      `Without \`from\`/\`to\`, the twelve months up to this one; a month chart covers ${MAX_CHART_MONTHS} months at most; categories past the eleventh share one "Other" bar. ${SCOPE}`,
  })
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'The chart',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems([
    CommonErrors.VALIDATION_FAILED,
    '1 field failed validation: from: a month chart covers 60 months at most; this period has 72',
  ])
  async getChart(
    @CurrentActor() actor: Actor,
    @Query() query: ChartQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const png = await this.chart.execute(actor, query);
    response.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(png, { type: 'image/png', disposition: 'inline; filename="spend-chart.png"' });
  }
}
