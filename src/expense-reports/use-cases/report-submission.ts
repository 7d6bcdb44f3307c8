import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { ReportLines } from '../../spends/report-lines';
import { ExpenseReport } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';
import { ReportLocks } from './report-locks';
import { reportSubject, ReportRound } from './report-round';

/** The owner submits a report, recalls it while undecided, and resubmits a line an approver rejected. */
@Injectable()
export class ReportSubmission {
  constructor(
    private readonly reports: ExpenseReportsRepository,
    private readonly locks: ReportLocks,
    private readonly lines: ReportLines,
    private readonly round: ReportRound,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
  ) {}

  /** A draft, or a rejected report fixed by its owner: every line is judged again, a new round begins. */
  async submit(actor: Actor, id: string): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      if (report.status !== 'draft' && report.status !== 'rejected')
        throw ExpenseReportErrors.EXPENSE_REPORT_NOT_SUBMITTABLE(
          `Draft and rejected expense reports can be submitted; this one is ${report.status}`,
        );
      const lines = await this.lines.lock(tx, actor.organizationId, id);
      await this.round.run(tx, actor, report, lines, 'expense_report.submitted');
      return report;
    });
  }

  /** Back to draft while its chain is open: the open steps are cancelled, every line is a draft again. */
  async recall(actor: Actor, id: string): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      if (report.status !== 'submitted')
        throw ExpenseReportErrors.EXPENSE_REPORT_NOT_RECALLABLE(
          `Only a submitted expense report awaiting its decision can be recalled; this one is ${report.status}`,
        );
      const lines = await this.lines.lock(tx, actor.organizationId, id);
      await this.approvals.cancelOpen(tx, actor.organizationId, reportSubject(id));
      await this.lines.move(tx, actor, lines, 'draft');
      report.status = 'draft';
      report.lineRejections = {};
      await this.reports.saveState(tx, report);
      await this.audit.record(tx, actor, {
        action: 'expense_report.recalled',
        entityType: 'expense_report',
        entityId: id,
        metadata: { round: report.approvalRound },
      });
      return report;
    });
  }

  /**
   * A line rejected in the open round, fixed by its owner (PATCH /spends/{id}), goes back into
   * the same report: the report's pending lines and this one are judged again (the total has
   * changed) and a new round of the report's chain begins; lines still rejected stay out of it.
   */
  async resubmitLine(actor: Actor, id: string, spendId: string): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      if (report.status !== 'submitted')
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_RESUBMITTABLE(
          `A line is resubmitted while its report awaits a decision; this one is ${report.status} (submit the report again instead)`,
        );
      const lines = await this.lines.lock(tx, actor.organizationId, id);
      const line = lines.find((l) => l.id === spendId);
      if (!line)
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_FOUND(
          `Spend ${spendId} is not a line of this expense report`,
        );
      if (line.status !== 'rejected')
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_RESUBMITTABLE(
          `Only a rejected line can be resubmitted; this one is ${line.status}`,
        );
      const submitting = lines.filter((l) => l.id === spendId || l.status === 'pending_approval');
      await this.round.run(tx, actor, report, submitting, 'expense_report.line_resubmitted');
      return report;
    });
  }
}
