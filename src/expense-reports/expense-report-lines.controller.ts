import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApprovalErrors } from '../approvals/approvals.errors';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiProblems, ApiValidation, ApiInvalidId } from '../common/swagger/api-problems.decorator';
import { RejectLineDto } from './dto/expense-report-input.dto';
import { ExpenseReportResponseDto } from './dto/expense-report-response.dto';
import { LINE_NOT_FOUND, NOT_OWNER, REPORT_NOT_FOUND, ROUND_REFUSALS } from './expense-reports.controller';
import { ExpenseReportErrors } from './expense-reports.errors';
import { ExpenseReportsService } from './expense-reports.service';
import { ReportDecisions } from './use-cases/report-decisions';
import { ReportSubmission } from './use-cases/report-submission';

/** One line of a submitted report: the approver rejects it, the owner resubmits it fixed. */
@ApiTags('Expense reports')
@Controller('expense-reports/:id/lines/:spend_id')
export class ExpenseReportLinesController {
  constructor(
    private readonly reports: ExpenseReportsService,
    private readonly decisions: ReportDecisions,
    private readonly submission: ReportSubmission,
  ) {}

  @Post('reject')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Reject one line of a submitted expense report',
    description:
      "The approver of the report's current step, with a comment; the other lines continue. When the chain ends approved, the report is partly_approved. Refused as a decision is: never the owner, only the step's approver.",
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiValidation()
  @ApiProblems(
    REPORT_NOT_FOUND,
    LINE_NOT_FOUND,
    [ApprovalErrors.SELF_APPROVAL_FORBIDDEN, 'Nobody approves their own expense report'],
    [ApprovalErrors.NOT_APPROVER, 'This step is assigned to someone else'],
    [ApprovalErrors.APPROVAL_NOT_FOUND, 'This expense report has no step open for a decision'],
    [
      ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_REJECTABLE,
      'Only a line awaiting the decision can be rejected; this one is rejected',
    ],
  )
  async reject(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('spend_id') spendId: string,
    @Body() dto: RejectLineDto,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.decisions.rejectLine(actor, id, spendId, dto));
  }

  @Post('resubmit')
  @HttpCode(200)
  @Authenticated({ scope: 'spends:write' })
  @ApiOperation({
    summary: 'Resubmit a rejected line into its expense report',
    description:
      'Owner only, after fixing the spend (PATCH /spends/{id}), while the report awaits its decision: the pending lines and this one are judged again and a new round of the report chain begins.',
  })
  @ApiOkResponse({ type: ExpenseReportResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    REPORT_NOT_FOUND,
    NOT_OWNER,
    LINE_NOT_FOUND,
    [
      ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_RESUBMITTABLE,
      'Only a rejected line can be resubmitted; this one is pending_approval',
    ],
    ...ROUND_REFUSALS,
  )
  async resubmit(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('spend_id') spendId: string,
  ): Promise<ExpenseReportResponseDto> {
    return this.reports.respond(await this.submission.resubmitLine(actor, id, spendId));
  }
}
