import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiProblems } from '../common/swagger/api-problems.decorator';
import { CHAIN_FAILURES } from './audit-chain';
import { AuditLogService } from './audit-log.service';
import { AuditLogEntryDto, AuditVerificationDto, ExportAuditLogsQuery, ListAuditLogsQuery } from './dto/audit-log.dto';

const BAD_FILTER = [
  CommonErrors.VALIDATION_FAILED,
  '1 field failed validation: from must be a date YYYY-MM-DD or an ISO-8601 date-time with an offset',
] as const;
const BAD_CURSOR = [
  CommonErrors.INVALID_CURSOR,
  'The cursor is not one this API issued; start again without it',
] as const;

const CSV_EXAMPLE = [
  'id,actor_id,action,entity_type,entity_id,metadata,request_id,ip,created_at,hash,prev_hash',
  '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f,5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e,user.role_changed,user,0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b,' +
    '"{""from"":""employee"",""to"":""manager""}",b1f0c1de-2a6b-4f43-9a1e-0c1d2e3f4a5b,203.0.113.7,2026-03-02T09:15:00.000Z,9c4e…e6,1a2b…91',
].join('\r\n');

@ApiTags('Audit log')
@Controller('audit-logs')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @Authenticated({ role: 'finance', accountant: true, scope: 'audit:read' })
  @ApiOperation({
    summary: "The organization's audit log, newest first",
    description:
      'Every state change (create, update, delete, status change, approval decision, login, failed login, role change, policy change) ' +
      'as written in the transaction of the change. Filters combine with AND; `from`/`to` are inclusive and take a UTC date or a date-time with an offset. ' +
      "Page with `cursor` (the previous page's `next_cursor`) to walk a long log without gaps or repeats while new entries arrive.",
  })
  @ApiPageResponse(AuditLogEntryDto, 'A page of audit entries')
  @ApiProblems(BAD_FILTER, BAD_CURSOR)
  list(@CurrentActor() actor: Actor, @Query() query: ListAuditLogsQuery): Promise<Page<AuditLogEntryDto>> {
    return this.auditLog.list(actor, query);
  }

  @Get('verify')
  @Authenticated({ role: 'admin', accountant: true, scope: 'audit:read' })
  @ApiOperation({
    summary: "Verify the organization's hash chain",
    description:
      "Recomputes every entry's SHA-256 over its content and its prev_hash, in chain order, and checks that each prev_hash is the hash of the entry before it. " +
      'Answers `valid: false` naming the first entry that fails: an altered entry names itself; a removed entry names the one after it.',
  })
  @ApiExtraModels(AuditVerificationDto)
  @ApiOkResponse({
    description: 'The verdict on the whole chain',
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(AuditVerificationDto) },
        examples: {
          valid: { summary: 'An intact chain', value: { valid: true, checked: 1523 } },
          tampered: {
            summary: 'An entry was removed',
            value: {
              valid: false,
              checked: 812,
              first_invalid_id: '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
              reason: CHAIN_FAILURES.linkBroken,
            },
          },
        },
      },
    },
  })
  verify(@CurrentActor() actor: Actor): Promise<AuditVerificationDto> {
    return this.auditLog.verify(actor);
  }

  @Get('export')
  @RateLimited('exports')
  @Authenticated({ role: 'finance', accountant: true, scope: 'audit:read' })
  @ApiOperation({
    summary: 'Download the audit log as CSV',
    description:
      'The same filters as the list, every matching entry, newest first, streamed. RFC 4180 with a header row and CRLF line ends; `metadata` is JSON text. ' +
      'A cell that starts with =, +, -, @, a tab or a carriage return is prefixed with a single quote so that no spreadsheet runs it as a formula.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The CSV file, as an attachment named `audit-log-<date>.csv`',
    content: { 'text/csv': { schema: { type: 'string', format: 'binary' }, example: CSV_EXAMPLE } },
  })
  @ApiProblems([CommonErrors.VALIDATION_FAILED, '1 field failed validation: format must be one of csv'])
  async export(@CurrentActor() actor: Actor, @Query() query: ExportAuditLogsQuery): Promise<StreamableFile> {
    const csv = await this.auditLog.exportCsv(actor, query);
    return new StreamableFile(csv, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  }
}
