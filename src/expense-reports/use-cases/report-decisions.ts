import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApprovalDecided, ApprovalEvents } from '../../approvals/approval-events';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { ReportLines } from '../../spends/report-lines';
import { RejectLineDto } from '../dto/expense-report-input.dto';
import { ExpenseReport } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';
import { ReportLocks } from './report-locks';
import { reportSubject } from './report-round';

/**
 * What approvers do to a report: decide its chain (POST /approvals/{id}/decision, announced by
 * ApprovalEvents and handled here in the decision's transaction) and reject single lines.
 * - the chain ends approved: the pending lines are approved; the report is `approved`, or
 *   `partly_approved` when some lines stay rejected, or `rejected` when every line was;
 * - the chain ends rejected: every pending line is rejected, and so is the report.
 */
@Injectable()
export class ReportDecisions implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: ApprovalEvents,
    private readonly approvals: ApprovalsService,
    private readonly reports: ExpenseReportsRepository,
    private readonly locks: ReportLocks,
    private readonly lines: ReportLines,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.events.onDecided('expense_report', (event) => this.apply(event));
  }

  private async apply({ tx, actor, organizationId, subjectId, outcome, comment }: ApprovalDecided): Promise<string> {
    if (outcome === 'advanced') return 'submitted';
    const report = await this.reports.lockById(tx, organizationId, subjectId);
    if (!report || report.status !== 'submitted')
      throw new Error(`Approval chain of expense report ${subjectId} ended while it is ${report?.status ?? 'missing'}`);
    const lines = await this.lines.lock(tx, organizationId, subjectId);
    const pending = lines.filter((l) => l.status === 'pending_approval');
    await this.lines.move(tx, actor, pending, outcome === 'approved' ? 'approved' : 'rejected', comment);
    const approved = lines.filter((l) => l.status === 'approved').length;
    report.status =
      outcome === 'rejected' || approved === 0 ? 'rejected' : approved < lines.length ? 'partly_approved' : 'approved';
    report.decidedAt = new Date();
    await this.reports.saveState(tx, report);
    await this.audit.record(tx, actor, {
      action: `expense_report.${report.status}`,
      entityType: 'expense_report',
      entityId: report.id,
      metadata: { comment, round: report.approvalRound, approved_lines: approved, lines: lines.length },
    });
    const event = { expense_report_id: report.id, user_id: report.userId };
    if (report.status === 'rejected')
      await this.outbox.enqueue(tx, organizationId, 'expense_report.rejected', { ...event, comment });
    else
      await this.outbox.enqueue(tx, organizationId, 'expense_report.approved', {
        ...event,
        status: report.status,
        comment,
      });
    return report.status;
  }

  /**
   * The current step's approver rejects one line, with a comment; the other lines continue.
   * The same checks as a decision apply (ApprovalsService.currentStepFor): not the owner, the
   * assigned person or role, the current step. The step is locked before the report, in the
   * order a decision takes them, so that the two never deadlock.
   */
  async rejectLine(actor: Actor, id: string, spendId: string, dto: RejectLineDto): Promise<ExpenseReport> {
    const seen = await this.locks.visible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      if (seen.status !== 'submitted') throw notDeciding(seen);
      await this.approvals.currentStepFor(tx, actor, reportSubject(id), seen.approvalRound);
      const report = await this.locks.lock(tx, actor.organizationId, id);
      if (report.status !== 'submitted' || report.approvalRound !== seen.approvalRound) throw notDeciding(report);
      const line = (await this.lines.lock(tx, actor.organizationId, id)).find((l) => l.id === spendId);
      if (!line)
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_FOUND(
          `Spend ${spendId} is not a line of this expense report`,
        );
      if (line.status !== 'pending_approval')
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_REJECTABLE(
          `Only a line awaiting the decision can be rejected; this one is ${line.status}`,
        );
      await this.lines.move(tx, actor, [line], 'rejected', dto.comment);
      report.lineRejections = {
        ...report.lineRejections,
        [spendId]: {
          comment: dto.comment,
          rejected_by: actor.userId,
          rejected_at: new Date().toISOString(),
          round: report.approvalRound,
        },
      };
      await this.reports.saveState(tx, report);
      await this.audit.record(tx, actor, {
        action: 'expense_report.line_rejected',
        entityType: 'expense_report',
        entityId: id,
        metadata: { spend_id: spendId, comment: dto.comment, round: report.approvalRound },
      });
      return report;
    });
  }
}

function notDeciding(report: ExpenseReport) {
  return ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_REJECTABLE(
    `Lines are rejected while their report awaits a decision; this one is ${report.status}`,
  );
}
