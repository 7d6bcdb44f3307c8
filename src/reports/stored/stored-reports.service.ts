import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { OutboxService } from '../../common/outbox/outbox.service';
import { Page } from '../../common/pagination/page';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { CreateStoredReportDto, StoredReportResponseDto } from '../dto/stored-report.dto';
import { ReportErrors } from '../reports.errors';
import { parameterProblems, StoredReport, storedParameters } from './stored-report';
import { isFileMissing, isStoreUnavailable, ReportFiles } from './report-files';
import { StoredReportsRepository } from './stored-reports.repository';

export interface StoredReportDownload {
  stream: Readable;
  contentType: string;
  filename: string;
  size: number;
}

/**
 * Stored reports as their requester sees them: queued by POST /reports (the row, its audit
 * entry and its job's outbox row in one transaction), listed, shown and downloaded. Only the
 * requester sees a stored report; anyone else, of this organization or another, is told it
 * does not exist.
 */
@Injectable()
export class StoredReportsService {
  private readonly logger = new Logger('StoredReports');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: StoredReportsRepository,
    private readonly storage: ReportFiles,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async request(actor: Actor, dto: CreateStoredReportDto): Promise<StoredReportResponseDto> {
    const given = dto.parameters ?? {};
    const errors = parameterProblems(dto.kind, given);
    if (errors.length > 0)
      throw CommonErrors.VALIDATION_FAILED(`${errors.length} field${errors.length > 1 ? 's' : ''} failed validation`, {
        errors,
      });
    const parameters = storedParameters(dto.kind, given);
    const report = await this.dataSource.transaction(async (tx) => {
      const created = await this.reports.insert(tx, actor.organizationId, actor.userId, dto.kind, parameters);
      await this.audit.record(tx, actor, {
        action: 'report.requested',
        entityType: 'stored_report',
        entityId: created.id,
        metadata: { kind: created.kind, parameters },
      });
      await this.outbox.enqueue(tx, actor.organizationId, 'report.requested', {
        report_id: created.id,
        requested_by: actor.userId,
      });
      return created;
    });
    return toStoredReportResponse(report);
  }

  async list(actor: Actor, query: PageQueryDto): Promise<Page<StoredReportResponseDto>> {
    const { total, items } = await this.reports.listOwn(actor.organizationId, actor.userId, query);
    return { total, items: items.map(toStoredReportResponse), next_cursor: null };
  }

  async get(actor: Actor, id: string): Promise<StoredReportResponseDto> {
    return toStoredReportResponse(await this.own(actor, id));
  }

  /** The ready file, streamed from the shared file store; 409 before it is ready, 410 once expired. */
  async download(actor: Actor, id: string): Promise<StoredReportDownload> {
    const report = await this.own(actor, id);
    if (report.status === 'expired')
      throw ReportErrors.STORED_REPORT_EXPIRED(`Stored report ${id} expired at ${report.expiresAt?.toISOString()}`);
    if (report.status !== 'ready' || !report.fileSha256)
      throw ReportErrors.STORED_REPORT_NOT_READY(
        report.status === 'failed'
          ? `Stored report ${id} failed (${report.errorCode}); request it again`
          : `Stored report ${id} is ${report.status} (${report.progress}%); poll GET /reports/${id} until it is ready`,
      );
    try {
      return {
        stream: await this.storage.open(report.fileSha256),
        contentType: report.contentType ?? 'application/octet-stream',
        filename: report.filename ?? `${id}`,
        size: report.fileSize ?? 0,
      };
    } catch (error) {
      if (isFileMissing(error) || isStoreUnavailable(error)) {
        this.logger.error(`stored report ${id}: ${(error as Error).message}`);
        throw ReportErrors.STORED_REPORT_FILE_UNAVAILABLE('The file store is unavailable; retry shortly', {
          headers: { 'Retry-After': '5' },
        });
      }
      throw error;
    }
  }

  private async own(actor: Actor, id: string): Promise<StoredReport> {
    const report = await this.reports.findOwn(actor.organizationId, actor.userId, id);
    if (!report) throw ReportErrors.STORED_REPORT_NOT_FOUND(`Stored report ${id} does not exist`);
    return report;
  }
}

export function toStoredReportResponse(report: StoredReport): StoredReportResponseDto {
  return {
    id: report.id,
    kind: report.kind,
    parameters: report.parameters,
    status: report.status,
    progress: report.progress,
    filename: report.filename,
    content_type: report.contentType,
    size: report.fileSize,
    sha256: report.fileSha256,
    error_code: report.errorCode,
    created_at: report.createdAt.toISOString(),
    started_at: report.startedAt?.toISOString() ?? null,
    finished_at: report.finishedAt?.toISOString() ?? null,
    expires_at: report.expiresAt?.toISOString() ?? null,
  };
}
