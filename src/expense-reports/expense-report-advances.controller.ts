import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { LinkReportAdvancesDto } from './dto/expense-report-input.dto';
import { ExpenseReportResponseDto } from './dto/expense-report-response.dto';
import { NOT_OWNER, REPORT_NOT_FOUND } from './expense-reports.controller';
import { ExpenseReportErrors } from './expense-reports.errors';
import { ExpenseReportsService } from './expense-reports.service';
import { ReportAdvances } from './use-cases/report-advances';

const FROZEN = [
  ExpenseReportErrors.EXPENSE_REPORT_ADVANCES_FROZEN,
  "A report's advances change while it is draft, rejected or submitted; this one is approved",
] as const;

/** The owner's cash advances on a report: linked, they offset its balance once paid. */
@ApiTags('Expense reports')
@Controller('expense-reports/:id/advances')
export class ExpenseReportAdvancesController {
  constructor(
    private readonly reports: ExpenseReportsService,
    private readonly advances: ReportAdvances,
  ) {}

  @Post()
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Link cash advances to an expense report',
    description:
      "Owner only, while the report is draft, rejected or submitted: the owner's own requested, approved or paid advances. A paid advance offsets the report's balance (approved_total − advances_total; negative is owed back); an approved one shows in advances_pending. Someone else's advance or another organization's is 404; a rejected or cancelled one 409; one linked to another report 409 ADVANCE_IN_ANOTHER_REPORT; one linked here already is left as it is.",
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiValidation()
  @ApiProblems(
    REPORT_NOT_FOUND,
    NOT_OWNER,
    FROZEN,
    [
      ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_NOT_FOUND,
      'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f is not one of your advances',
    ],
    [
      ExpenseReportErrors.ADVANCE_IN_ANOTHER_REPORT,
      'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f is linked to expense report 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d; unlink it there first',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_NOT_LINKABLE,
      'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f is cancelled; only requested, approved and paid advances are linked',
    ],
  )
  async link(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: LinkReportAdvancesDto,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.advances.link(actor, id, dto));
  }

  @Delete(':advance_id')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Unlink a cash advance from an expense report',
    description:
      'Owner only, while the report is draft, rejected or submitted; the advance stays as it is, linked to no report. A paid advance stays linked (409 EXPENSE_REPORT_ADVANCE_PAID): it is settled against the report.',
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    REPORT_NOT_FOUND,
    NOT_OWNER,
    FROZEN,
    [
      ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_LINK_NOT_FOUND,
      'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f is not linked to this expense report',
    ],
    [
      ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_PAID,
      'Advance 8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f was paid out; it is settled against this report and stays linked',
    ],
  )
  async unlink(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('advance_id') advanceId: string,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.advances.unlink(actor, id, advanceId));
  }
}
