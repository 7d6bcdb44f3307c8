import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, SystemActor } from '../../audit/audit.service';
import { type Actor, hasAtLeast } from '../../common/auth/roles';
import { DomainError } from '../../common/errors/domain-error';
import { OutboxService } from '../../common/outbox/outbox.service';
import { AppConfig } from '../../config/app-config';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { Directory } from '../../users/directory';
import { ReportErrors } from '../reports.errors';
import { SpendExport } from '../use-cases/spend-export';
import { SummaryReport } from '../use-cases/summary-report';
import { EXPORT_FORMAT_OF, expiryOf, StoredReport, StoredReportError, summaryFilename } from './stored-report';
import { isStoreUnavailable, ReportFiles } from './report-files';
import { StoredFile, StoredReportsRepository } from './stored-reports.repository';

/** A row `running` this long without finishing had its worker die: the next try takes it again. */
const STALE_SECONDS = 15 * 60;

const STORE_RETRIES_MS = [500, 1_000, 2_000];

class RequesterNotAllowed extends Error {}

/**
 * The stored report job: claims its row (queued → running, once), recomputes the requester's
 * visibility now (their current role, reporting line and teams, as GET /spends would show them),
 * builds the file with the synchronous endpoints' own use cases, writes it to the shared file
 * store, marks the row ready and tells the requester (`report.finished` → a notification).
 * A requester who is no longer active, or no longer a manager, finance, admin or accountant,
 * gets REQUESTER_NOT_ALLOWED. An unreachable store is tried four times over 3.5 s, then the
 * report fails with STORAGE_UNAVAILABLE (a job never throws: the requester may ask again). A file stored for a row that could not then be marked ready is deleted.
 */
@Injectable()
export class StoredReportJob implements OnModuleInit {
  private readonly logger = new Logger('StoredReportJob');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly reports: StoredReportsRepository,
    private readonly storage: ReportFiles,
    private readonly directory: Directory,
    private readonly summaries: SummaryReport,
    private readonly exports: SpendExport,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'stored-reports',
      topics: ['report.requested'],
      handle: (job) => this.run(job),
      attempts: 3,
      backoffMs: 1_000,
      concurrency: 1,
      ownLane: true,
    });
  }

  async run(job: OutboxJob<'report.requested'>): Promise<void> {
    const report = await this.reports.claim(job.organizationId, job.payload.report_id, STALE_SECONDS);
    if (!report) return;
    let file: StoredFile | null = null;
    try {
      const actor = await this.requester(report);
      const content = await this.build(actor, report);
      await this.reports.setProgress(report.organizationId, report.id, 60);
      const sha256 = await this.put(report, content.bytes);
      file = { sha256, size: content.bytes.length, contentType: content.contentType, filename: content.filename };
      await this.reports.setProgress(report.organizationId, report.id, 90);
      await this.ready(report, file);
    } catch (error) {
      if (file) await this.discard(report, file.sha256);
      const code = failureCode(error);
      if (code === 'REPORT_FAILED') this.logger.error(`stored report ${report.id} failed: ${(error as Error).message}`);
      await this.failed(report, code);
    }
  }

  /**
   * Stores the file, trying an unreachable store again after 0.5 s, 1 s and 2 s: the requester
   * waits for this report now, not after the outbox's backoff of hours (OCR's is).
   */
  private async put(report: StoredReport, bytes: Buffer): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.storage.put(bytes);
      } catch (error) {
        if (!isStoreUnavailable(error) || attempt > STORE_RETRIES_MS.length) throw error;
        this.logger.warn(
          `stored report ${report.id}: storage unavailable (try ${attempt}): ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, STORE_RETRIES_MS[attempt - 1]));
      }
    }
  }

  private async requester(report: StoredReport): Promise<Actor> {
    const user = await this.directory.user(report.organizationId, report.requestedBy);
    if (!user || !user.isActive || !(user.role === 'accountant' || hasAtLeast(user.role, 'manager')))
      throw new RequesterNotAllowed();
    return { organizationId: report.organizationId, userId: user.id, role: user.role };
  }

  private async build(
    actor: Actor,
    report: StoredReport,
  ): Promise<{ bytes: Buffer; contentType: string; filename: string }> {
    const { from, to, status, group_by: groupBy } = report.parameters;
    if (report.kind === 'summary') {
      const summary = await this.summaries.execute(actor, { from, to, status, group_by: groupBy ?? 'category' });
      return {
        bytes: Buffer.from(JSON.stringify(summary)),
        contentType: 'application/json',
        filename: summaryFilename(report.parameters, new Date().toISOString().slice(0, 10)),
      };
    }
    const format = EXPORT_FORMAT_OF[report.kind];
    const exported = await this.exports.execute(actor, { from, to, status, format }, this.config.publicUrl ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of exported.stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return { bytes: Buffer.concat(chunks), contentType: exported.contentType, filename: exported.filename };
  }

  private async ready(report: StoredReport, file: StoredFile): Promise<void> {
    const expiresAt = expiryOf(new Date(), this.config.retention.reportHours);
    const done = await this.dataSource.transaction(async (tx) => {
      const marked = await this.reports.markReady(tx, report.organizationId, report.id, file, expiresAt);
      if (!marked) return false;
      await this.audit.record(tx, system(report), {
        action: 'report.generated',
        entityType: 'stored_report',
        entityId: report.id,
        metadata: { kind: report.kind, size: file.size, sha256: file.sha256, expires_at: expiresAt.toISOString() },
      });
      await this.finished(tx, report, 'ready', null, expiresAt);
      return true;
    });
    if (!done) await this.discard(report, file.sha256);
  }

  private async failed(report: StoredReport, code: StoredReportError): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (!(await this.reports.markFailed(tx, report.organizationId, report.id, code))) return;
      await this.audit.record(tx, system(report), {
        action: 'report.failed',
        entityType: 'stored_report',
        entityId: report.id,
        metadata: { kind: report.kind, error_code: code },
      });
      await this.finished(tx, report, 'failed', code, null);
    });
  }

  private finished(
    tx: Parameters<OutboxService['enqueue']>[0],
    report: StoredReport,
    status: 'ready' | 'failed',
    code: string | null,
    expiresAt: Date | null,
  ): Promise<void> {
    return this.outbox.enqueue(tx, report.organizationId, 'report.finished', {
      report_id: report.id,
      requested_by: report.requestedBy,
      kind: report.kind,
      status,
      error_code: code,
      expires_at: expiresAt?.toISOString() ?? null,
    });
  }

  /** Deletes a file this job stored but no row came to name, unless something else names the same bytes. */
  private async discard(report: StoredReport, sha256: string): Promise<void> {
    try {
      const inUse = await this.dataSource.transaction((tx) =>
        this.reports.fileInUse(tx, report.organizationId, sha256, report.id),
      );
      if (!inUse) await this.storage.remove(sha256);
    } catch (error) {
      this.logger.warn(`stored report ${report.id}: could not delete its file ${sha256}: ${(error as Error).message}`);
    }
  }
}

function system(report: StoredReport): SystemActor {
  return { organizationId: report.organizationId, userId: null };
}

function failureCode(error: unknown): StoredReportError {
  if (error instanceof RequesterNotAllowed) return 'REQUESTER_NOT_ALLOWED';
  if (isStoreUnavailable(error)) return 'STORAGE_UNAVAILABLE';
  if (error instanceof DomainError && error.code === ReportErrors.EXPORT_TOO_LARGE.code) return 'EXPORT_TOO_LARGE';
  return 'REPORT_FAILED';
}
