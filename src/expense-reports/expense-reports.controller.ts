import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ExchangeRateErrors } from '../exchange-rates/exchange-rates.errors';
import {
  AddReportSpendsDto,
  CreateExpenseReportDto,
  ListExpenseReportsQuery,
  UpdateExpenseReportDto,
} from './dto/expense-report-input.dto';
import { ExpenseReportResponseDto } from './dto/expense-report-response.dto';
import { ExpenseReportErrors } from './expense-reports.errors';
import { ExpenseReportsService } from './expense-reports.service';
import { ReportDrafting } from './use-cases/report-drafting';
import { ReportSubmission } from './use-cases/report-submission';

export const REPORT_NOT_FOUND = [
  ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND,
  'Expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d does not exist',
] as const;
export const NOT_OWNER = [
  ExpenseReportErrors.NOT_EXPENSE_REPORT_OWNER,
  "Only the expense report's owner may do this",
] as const;
const NOT_EDITABLE = [
  ExpenseReportErrors.EXPENSE_REPORT_NOT_EDITABLE,
  'An expense report changes while draft or rejected; this one is submitted (recall it first while it is undecided)',
] as const;
const INVALID_DATES = [
  ExpenseReportErrors.EXPENSE_REPORT_INVALID_DATES,
  'ends_on 2026-03-01 is before starts_on 2026-03-02',
] as const;
export const LINE_NOT_FOUND = [
  ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_FOUND,
  'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c is not a line of this expense report',
] as const;
export const ROUND_REFUSALS = [
  [ExpenseReportErrors.EXPENSE_REPORT_EMPTY, 'Add spends to the expense report before submitting it'],
  [
    ExpenseReportErrors.EXPENSE_REPORT_LINE_BLOCKED,
    'A policy blocks spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c: Gambling is never reimbursed; fix or remove the line',
  ],
  [
    ExpenseReportErrors.EXPENSE_REPORT_RECEIPT_MISSING,
    'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c needs a receipt under the policies; upload one (POST /spends/{id}/receipts) before submitting',
  ],
  [
    ExchangeRateErrors.EXCHANGE_RATE_MISSING,
    'No EUR→USD rate for 2026-03-02 or the 7 days before; an admin adds one at POST /exchange-rates',
  ],
] as const;

@ApiTags('Expense reports')
@Controller('expense-reports')
export class ExpenseReportsController {
  constructor(
    private readonly reports: ExpenseReportsService,
    private readonly drafting: ReportDrafting,
    private readonly submission: ReportSubmission,
  ) {}

  @Post()
  @Authenticated({ scope: 'spends:write' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create an expense report',
    description: "A draft of the caller's own; add spends with POST /expense-reports/{id}/spends, then submit it.",
  })
  @ApiCreatedResponse({ type: ExpenseReportResponseDto })
  @ApiValidation()
  @ApiProblems(INVALID_DATES)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateExpenseReportDto): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.drafting.create(actor, dto));
  }

  @Get()
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'List the expense reports the caller may see',
    description:
      'As spends: employees see their own; managers also their reporting line and the teams they lead; finance, admin and accountant the whole organization; approvers the reports they are named on. Newest trip first; `from`/`to` select trips that overlap the range.',
  })
  @ApiPageResponse(ExpenseReportResponseDto, 'A page of expense reports')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListExpenseReportsQuery): Promise<Page<ExpenseReportResponseDto>> {
    return this.reports.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'Get an expense report with its lines, totals and approvals',
    description: 'Visible as its lines would be; anyone else gets 404 EXPENSE_REPORT_NOT_FOUND.',
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ExpenseReportResponseDto> {
    return this.reports.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({ summary: 'Edit a draft or rejected expense report', description: 'Owner only.' })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiValidation()
  @ApiProblems(REPORT_NOT_FOUND, NOT_OWNER, NOT_EDITABLE, INVALID_DATES)
  async update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateExpenseReportDto,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.drafting.update(actor, id, dto));
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Delete an expense report never submitted',
    description: 'Owner only; its lines become plain draft spends again. A report once submitted keeps its history.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND, NOT_OWNER, [
    ExpenseReportErrors.EXPENSE_REPORT_NOT_EDITABLE,
    'Only a report never submitted can be deleted; this one keeps its approval history (remove its lines instead)',
  ])
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.drafting.delete(actor, id);
    return { message: 'Deleted successfully' };
  }

  @Post(':id/spends')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Add spends to an expense report',
    description:
      "Owner only, while the report is draft or rejected: the owner's own draft or rejected spends. A spend of someone else or of another organization is 404; one in another report is 409 SPEND_IN_ANOTHER_REPORT; one already in this report is left as it is.",
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiValidation()
  @ApiProblems(
    REPORT_NOT_FOUND,
    NOT_OWNER,
    NOT_EDITABLE,
    [
      ExpenseReportErrors.EXPENSE_REPORT_SPEND_NOT_FOUND,
      'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c is not one of your spends',
    ],
    [
      ExpenseReportErrors.SPEND_IN_ANOTHER_REPORT,
      'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c is a line of expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d; remove it there first',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_SPEND_NOT_ADDABLE,
      'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c is approved; only draft and rejected spends join a report',
    ],
  )
  async addSpends(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: AddReportSpendsDto,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.drafting.addSpends(actor, id, dto));
  }

  @Delete(':id/spends/:spend_id')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Remove a spend from an expense report',
    description: 'Owner only, while the report is draft or rejected; the spend stays, outside any report.',
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND, NOT_OWNER, NOT_EDITABLE, LINE_NOT_FOUND)
  async removeSpend(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('spend_id') spendId: string,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.drafting.removeSpend(actor, id, spendId));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Submit an expense report',
    description:
      "Owner only, a draft or rejected report. The policies judge each line with the report's facts (report_total, report_days, report_spend_count): a blocked line or a missing receipt refuses the submission (422); every line's approvers make one chain for the report, once per person; no approver needed approves it at once. Lines get no chains of their own.",
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    REPORT_NOT_FOUND,
    NOT_OWNER,
    [
      ExpenseReportErrors.EXPENSE_REPORT_NOT_SUBMITTABLE,
      'Draft and rejected expense reports can be submitted; this one is submitted',
    ],
    ...ROUND_REFUSALS,
  )
  async submit(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.submission.submit(actor, id));
  }

  @Post(':id/recall')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Recall a submitted expense report',
    description:
      'Owner only, while its chain is undecided: open steps are cancelled, the report and its lines are drafts again.',
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(REPORT_NOT_FOUND, NOT_OWNER, [
    ExpenseReportErrors.EXPENSE_REPORT_NOT_RECALLABLE,
    'Only a submitted expense report awaiting its decision can be recalled; this one is approved',
  ])
  async recall(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.submission.recall(actor, id));
  }
}
