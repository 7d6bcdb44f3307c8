import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { ReportLines } from '../../spends/report-lines';
import { ExpenseReport } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';

/**
 * For the payouts module (above this one): marks a decided report paid, or undoes it (a payout
 * that failed or was reversed), in the payout's transaction. The report's approved lines move
 * with it (approved ↔ paid); rejected lines are never paid. Paid, the report's owner hears of it
 * (`expense_report.paid`: notification and webhook). No HTTP route: paying is payouts' job.
 */
@Injectable()
export class ReportPayments {
  constructor(
    private readonly reports: ExpenseReportsRepository,
    private readonly lines: ReportLines,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async markPaid(
    tx: EntityManager,
    actor: Actor | SystemActor,
    organizationId: string,
    reportId: string,
    payment: { paidAt: Date; reference: string | null; batchId?: string },
  ): Promise<ExpenseReport> {
    const report = await this.lock(tx, organizationId, reportId);
    if (report.status !== 'approved' && report.status !== 'partly_approved')
      throw ExpenseReportErrors.EXPENSE_REPORT_NOT_PAYABLE(
        `Approved and partly approved expense reports can be paid; this one is ${report.status}`,
      );
    const paidBy = actor.userId ?? null;
    await this.lines.setPaid(tx, actor, await this.lines.lock(tx, organizationId, reportId), {
      paidAt: payment.paidAt,
      paidBy,
      reference: payment.reference,
    });
    report.status = 'paid';
    report.paidAt = payment.paidAt;
    report.paidBy = paidBy;
    report.paymentReference = payment.reference;
    await this.reports.saveState(tx, report);
    await this.audit.record(tx, actor, {
      action: 'expense_report.paid',
      entityType: 'expense_report',
      entityId: reportId,
      metadata: {
        paid_at: payment.paidAt.toISOString(),
        reference: payment.reference,
        ...(payment.batchId ? { payout_batch_id: payment.batchId } : {}),
      },
    });
    await this.outbox.enqueue(tx, organizationId, 'expense_report.paid', {
      expense_report_id: reportId,
      user_id: report.userId,
      reference: payment.reference,
      payout_batch_id: payment.batchId ?? null,
    });
    return report;
  }

  private async lock(tx: EntityManager, organizationId: string, id: string): Promise<ExpenseReport> {
    const report = await this.reports.lockById(tx, organizationId, id);
    if (!report) throw ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND(`Expense report ${id} does not exist`);
    return report;
  }
}
