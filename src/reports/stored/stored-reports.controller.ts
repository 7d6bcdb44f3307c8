import { Body, Controller, Get, HttpCode, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import { RateLimited } from '../../common/rate-limit/rate-limit.decorator';
import type { Actor } from '../../common/auth/roles';
import { UuidParam } from '../../common/http/uuid-param';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../../common/pagination/page';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { CommonErrors } from '../../common/errors/common.errors';
import { CreateStoredReportDto, StoredReportResponseDto } from '../dto/stored-report.dto';
import { ReportErrors } from '../reports.errors';
import { StoredReportsService } from './stored-reports.service';

const NOT_FOUND = [
  ReportErrors.STORED_REPORT_NOT_FOUND,
  'Stored report 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f does not exist',
] as const;
const WHO =
  'Managers, finance, admins and accountants, as the synchronous reports; each sees only the stored reports they requested (anyone else is answered 404).';

/**
 * Stored reports: the synchronous reports and exports built by a job and kept for download.
 * Its routes are registered after ReportsController's, so that `/reports/summary`,
 * `/reports/export`… are never taken for a report id (which must be a UUID anyway).
 */
@ApiTags('Stored reports')
@Controller('reports')
export class StoredReportsController {
  constructor(private readonly reports: StoredReportsService) {}

  @Post()
  @HttpCode(202)
  // Each job builds a whole export: it spends the exports bucket, as the synchronous export does.
  @RateLimited('exports')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @Idempotent()
  @ApiOperation({
    summary: 'Queue a report or an export to be built in the background',
    description:
      'Answers 202 with the queued report at once; poll GET /reports/{id} for its status and progress, then download it. ' +
      '`summary` is GET /reports/summary as a JSON file, `csv`, `xlsx` and `journal` are GET /reports/export with format csv, xlsx and journal_csv, ' +
      'with the same `parameters` and the same refusals (422). The job counts the spends the requester may see when it runs (their role, ' +
      'reporting line and teams then); a requester no longer allowed to run reports by then gets a failed report (REQUESTER_NOT_ALLOWED). ' +
      `The requester is notified (report.ready or report.failed). ${WHO}`,
  })
  @ApiAcceptedResponse({ type: StoredReportResponseDto })
  @ApiValidation()
  @ApiProblems([
    CommonErrors.VALIDATION_FAILED,
    '1 field failed validation: parameters.status: a journal books approved and paid spends only',
  ])
  request(@CurrentActor() actor: Actor, @Body() dto: CreateStoredReportDto): Promise<StoredReportResponseDto> {
    return this.reports.request(actor, dto);
  }

  @Get()
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({ summary: 'My stored reports', description: `Newest first, expired ones included. ${WHO}` })
  @ApiPageResponse(StoredReportResponseDto, 'A page of stored reports')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto): Promise<Page<StoredReportResponseDto>> {
    return this.reports.list(actor, query);
  }

  @Get(':report_id')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: 'A stored report: status and progress',
    description: `queued → running (progress 5 to 90) → ready (100, with its file's name, type, size and SHA-256) or failed (error_code); expired once the retention passed. ${WHO}`,
  })
  @ApiOkResponse({ type: StoredReportResponseDto })
  @ApiProblems(NOT_FOUND)
  @ApiInvalidId('report_id')
  get(@CurrentActor() actor: Actor, @UuidParam('report_id') id: string): Promise<StoredReportResponseDto> {
    return this.reports.get(actor, id);
  }

  @Get(':report_id/download')
  @Authenticated({ role: 'manager', accountant: true, scope: 'reports:read' })
  @ApiOperation({
    summary: "Download a stored report's file",
    description: `Streamed from the file store shared by the API and the workers, with Content-Type, Content-Length and an attachment file name. 409 until it is ready (or when it failed), 410 once expired. ${WHO}`,
  })
  @ApiProduces('text/csv', 'application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    description: 'The file',
    content: {
      'text/csv': { schema: { type: 'string', format: 'binary' } },
      'application/json': { schema: { type: 'string', format: 'binary' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
        schema: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiProblems(
    NOT_FOUND,
    [
      ReportErrors.STORED_REPORT_NOT_READY,
      'Stored report 7c1d… is running (60%); poll GET /reports/7c1d… until it is ready',
    ],
    [ReportErrors.STORED_REPORT_EXPIRED, 'Stored report 7c1d… expired at 2026-04-04T09:00:03.000Z'],
    [ReportErrors.STORED_REPORT_FILE_UNAVAILABLE, 'The file store is unavailable; retry shortly'],
  )
  @ApiInvalidId('report_id')
  async download(
    @CurrentActor() actor: Actor,
    @UuidParam('report_id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const file = await this.reports.download(actor, id);
    response.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(file.stream, {
      type: file.contentType,
      length: file.size,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }
}
