import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Housekeeping } from '../../jobs/housekeeping';
import { ReportFiles } from './report-files';
import { StoredReportsRepository } from './stored-reports.repository';

/**
 * One report per transaction: its audit entry takes its organization's chain lock, and two
 * processes expiring side by side must never hold two organizations' locks in opposite orders.
 */
const BATCH = 1;

/**
 * The hourly expiry of stored reports (a housekeeping task): each ready report past
 * `expires_at` has its file deleted from the file store (unless the same bytes are still named
 * by a receipt or another live report) and is marked `expired`, audited as `report.expired`, in
 * one transaction per report (its row locked, SKIP LOCKED for processes side by side). A file store that cannot be reached leaves the batch as it was,
 * for the next hour.
 */
@Injectable()
export class ReportExpiry implements OnModuleInit {
  private readonly logger = new Logger('ReportExpiry');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly housekeeping: Housekeeping,
    private readonly reports: StoredReportsRepository,
    private readonly storage: ReportFiles,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.housekeeping.addTask('expiredReports', () => this.run());
  }

  /** How many reports expired. */
  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.dataSource.transaction(async (tx) => {
        const due = await this.reports.lockExpired(tx, BATCH);
        for (const report of due) {
          if (
            report.fileSha256 &&
            !(await this.reports.fileInUse(tx, report.organizationId, report.fileSha256, report.id))
          )
            await this.storage.remove(report.fileSha256);
          await this.reports.markExpired(tx, report.organizationId, report.id);
          await this.audit.record(
            tx,
            { organizationId: report.organizationId, userId: null },
            {
              action: 'report.expired',
              entityType: 'stored_report',
              entityId: report.id,
              metadata: { kind: report.kind, sha256: report.fileSha256, expires_at: report.expiresAt?.toISOString() },
            },
          );
        }
        return due.length;
      });
      total += expired;
      if (expired < BATCH) break;
    }
    if (total > 0) this.logger.log(`${total} stored reports expired`);
    return total;
  }
}
