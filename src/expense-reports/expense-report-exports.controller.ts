import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ListExpenseReportsQuery } from './dto/expense-report-input.dto';
import { ExpenseReportSummaryDto } from './dto/expense-report-response.dto';
import { REPORT_NOT_FOUND } from './expense-reports.controller';
import { ExpenseReportsService } from './expense-reports.service';

const SUMMARY_CSV_EXAMPLE = [
  'record,spend_id,spend_date,merchant,description,amount,currency,base_amount,base_currency,status,flags,receipts,round,step,approver,decided_by,decided_at,comment,advance_id,paid_at',
  'line,3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c,2026-03-02,Lufthansa,Flight FRA-BER,420.00,EUR,453.60,USD,approved,,ticket.pdf,,,,,,,,',
  'advance,,,,,200.00,USD,200.00,USD,paid,,,,,,,,,8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f,2026-02-27T09:00:00.000Z',
  'approval,,,,,,,,,approved,,,1,1,finance,5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e,2026-03-06T10:00:00.000Z,,,',
  'total,,,,,,,453.60,USD,approved,,,,,,,,"total 453.60, rejected 0.00",,',
  'balance,,,,,,,253.60,USD,reimburse,,,,,,,,"approved 453.60, advances 200.00, pending advances 0.00",,',
].join('\r\n');
const LIST_CSV_EXAMPLE = [
  'id,user_id,title,purpose,trip,starts_on,ends_on,status,spend_count,total,approved_total,base_currency,submitted_at,decided_at,paid_at,advances_total,balance,balance_direction',
  '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d,5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e,Berlin customer workshop,,"Berlin, DE",2026-03-02,2026-03-04,approved,1,453.60,453.60,USD,2026-03-05T09:15:00.000Z,2026-03-06T10:00:00.000Z,,200.00,253.60,reimburse',
].join('\r\n');

const csvFile = (csv: string, filename: string) =>
  new StreamableFile(Buffer.from(csv, 'utf8'), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });

/**
 * What leaves Spendin about reports: the list as CSV and one report's summary (what a PDF
 * would print) as JSON and CSV. Registered before the report routes, so that `export` is not
 * read as an id.
 */
@ApiTags('Expense reports')
@Controller('expense-reports')
export class ExpenseReportExportsController {
  constructor(private readonly reports: ExpenseReportsService) {}

  @Get('export')
  @RateLimited('exports')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'Download the expense reports the caller may see as CSV',
    description:
      'The filters of the list (limit and offset ignored), at most 10,000 reports, newest trip first, one row each with its totals in the base currency and its balance after the paid advances (`balance_direction` reimburse, owed_back or settled). RFC 4180, CRLF; a text cell a spreadsheet would run as a formula gets a leading single quote.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The CSV file, as an attachment named `expense-reports-<date>.csv`',
    content: { 'text/csv': { schema: { type: 'string', format: 'binary' }, example: LIST_CSV_EXAMPLE } },
  })
  @ApiValidation()
  async export(@CurrentActor() actor: Actor, @Query() query: ListExpenseReportsQuery): Promise<StreamableFile> {
    const csv = await this.reports.listCsv(actor, query);
    return csvFile(csv, `expense-reports-${new Date().toISOString().slice(0, 10)}.csv`);
  }

  @Get(':id/summary')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: "An expense report's summary",
    description:
      'What a printed report says, as JSON: the report, every line with its receipts, flags, policy outcome and rejection comment, the totals in the base currency and the approval history of every round.',
  })
  @ApiOkResponse({ type: ExpenseReportSummaryDto })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND)
  summary(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ExpenseReportSummaryDto> {
    return this.reports.summary(actor, id);
  }

  @Get(':id/summary.csv')
  @RateLimited('exports')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: "An expense report's summary as CSV",
    description:
      'One row per line (`record` line), per linked cash advance (`advance`), per approval step (`approval`), the totals (`total`) and the balance after the paid advances (`balance`: its direction in `status`). RFC 4180, CRLF; formula-like text cells get a leading single quote (a plain negative decimal stays a number).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The CSV file, as an attachment named `expense-report-<id>.csv`',
    content: { 'text/csv': { schema: { type: 'string', format: 'binary' }, example: SUMMARY_CSV_EXAMPLE } },
  })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND)
  async summaryCsv(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<StreamableFile> {
    return csvFile(await this.reports.summaryCsv(actor, id), `expense-report-${id}.csv`);
  }
}
