import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReportLineGate } from '../../spends/report-line-gate';
import { UNDECIDED_REPORT_STATUSES } from '../expense-report.entity';
import { ExpenseReportsRepository } from '../expense-reports.repository';

/**
 * A decided report (approved, partly approved, paid) is the record of what was claimed and paid:
 * its lines, the rejected ones too, no longer change. Registered with the spends module's gate,
 * which asks before the owner edits a line.
 */
@Injectable()
export class ReportLineFreeze implements OnModuleInit {
  constructor(
    private readonly gate: ReportLineGate,
    private readonly reports: ExpenseReportsRepository,
  ) {}

  onModuleInit(): void {
    this.gate.onLineChange(async (tx, organizationId, reportId) => {
      const status = await this.reports.statusOf(tx, organizationId, reportId);
      return status && !UNDECIDED_REPORT_STATUSES.includes(status) ? status : null;
    });
  }
}
