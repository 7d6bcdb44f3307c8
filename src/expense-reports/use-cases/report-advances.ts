import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AdvanceLinks, LINKABLE_ADVANCE_STATUSES } from '../../advances/advance-links';
import { AdvanceReportGate } from '../../advances/advance-report-gate';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { LinkReportAdvancesDto } from '../dto/expense-report-input.dto';
import { ExpenseReport, UNDECIDED_REPORT_STATUSES } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';
import { ReportLocks } from './report-locks';

/**
 * A report's advances change until it is decided: while draft, rejected or submitted (a change
 * while submitted shows at once to the approver, who decides the lines, not the offset). Once
 * approved, partly approved or paid, what the report comes to is what finance pays out, and its
 * advances stay as they are.
 */
export const ADVANCES_OPEN = UNDECIDED_REPORT_STATUSES;

/** The owner links their cash advances to a report, and unlinks them; audited on both. */
@Injectable()
export class ReportAdvances implements OnModuleInit {
  constructor(
    private readonly locks: ReportLocks,
    private readonly advances: AdvanceLinks,
    private readonly audit: AuditService,
    private readonly reports: ExpenseReportsRepository,
    private readonly gate: AdvanceReportGate,
  ) {}

  /**
   * An advance requested with `expense_report_id` joins the report under the same rule as here:
   * the report is locked (as every change to it is, before its advances) and must be open. A
   * report that is not the caller's is left to the foreign key, so that it answers 404 whosever
   * it is.
   */
  onModuleInit(): void {
    this.gate.onLinkRequested(async (tx, organizationId, userId, reportId) => {
      const report = await this.reports.lockById(tx, organizationId, reportId);
      if (!report || report.userId !== userId || ADVANCES_OPEN.includes(report.status)) return null;
      return report.status;
    });
  }

  /**
   * Links the owner's own requested, approved or paid advances. An advance of another
   * organization or of someone else is not found (404, naming it); a rejected or cancelled one
   * is 409; one linked to another report is 409; one linked here already is left as it is.
   */
  async link(actor: Actor, id: string, dto: LinkReportAdvancesDto): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      open(report);
      const found = await this.advances.lock(tx, actor.organizationId, dto.advance_ids);
      const own = new Map(found.filter((a) => a.userId === report.userId).map((a) => [a.id, a]));
      const missing = dto.advance_ids.filter((advanceId) => !own.has(advanceId));
      if (missing.length > 0)
        throw ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_NOT_FOUND(
          `Advance ${missing[0]} is not one of your advances`,
          {
            errors: missing.map((advanceId) => ({
              field: 'advance_ids',
              message: `${advanceId} is not one of your advances`,
            })),
          },
        );
      const elsewhere = [...own.values()].filter((a) => a.expenseReportId !== null && a.expenseReportId !== id);
      if (elsewhere.length > 0)
        throw ExpenseReportErrors.ADVANCE_IN_ANOTHER_REPORT(
          `Advance ${elsewhere[0].id} is linked to expense report ${elsewhere[0].expenseReportId}; unlink it there first`,
        );
      const closed = [...own.values()].filter((a) => !LINKABLE_ADVANCE_STATUSES.includes(a.status));
      if (closed.length > 0)
        throw ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_NOT_LINKABLE(
          `Advance ${closed[0].id} is ${closed[0].status}; only requested, approved and paid advances are linked`,
        );
      const joining = [...own.values()].filter((a) => a.expenseReportId === null);
      await this.advances.link(tx, actor, id, joining);
      if (joining.length > 0)
        await this.record(tx, actor, id, 'expense_report.advances_linked', {
          advance_ids: joining.map((a) => a.id),
        });
      return report;
    });
  }

  async unlink(actor: Actor, id: string, advanceId: string): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      open(report);
      const [advance] = await this.advances.lock(tx, actor.organizationId, [advanceId]);
      if (advance?.expenseReportId !== id)
        throw ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_LINK_NOT_FOUND(
          `Advance ${advanceId} is not linked to this expense report`,
        );
      // Paid out, it is what the report settles: unlinked, it would be reimbursed and never offset.
      if (advance.status === 'paid')
        throw ExpenseReportErrors.EXPENSE_REPORT_ADVANCE_PAID(
          `Advance ${advanceId} was paid out; it is settled against this report and stays linked`,
        );
      await this.advances.unlink(tx, actor, id, [advance]);
      await this.record(tx, actor, id, 'expense_report.advance_unlinked', { advance_id: advanceId });
      return report;
    });
  }

  /**
   * Before a draft report is deleted: its advances are unlinked, audited on each advance. The
   * foreign key's ON DELETE SET NULL would clear them anyway; this says so in the audit log.
   */
  async unlinkAll(tx: EntityManager, actor: Actor, reportId: string): Promise<string[]> {
    const linked = await this.advances.of(tx, actor.organizationId, [reportId]);
    if (linked.length === 0) return [];
    const locked = await this.advances.lock(
      tx,
      actor.organizationId,
      linked.map((a) => a.id),
    );
    await this.advances.unlink(tx, actor, reportId, locked);
    return locked.map((a) => a.id);
  }

  private record(tx: EntityManager, actor: Actor, id: string, action: string, metadata: Record<string, unknown>) {
    return this.audit.record(tx, actor, { action, entityType: 'expense_report', entityId: id, metadata });
  }
}

function open(report: ExpenseReport): void {
  if (!ADVANCES_OPEN.includes(report.status))
    throw ExpenseReportErrors.EXPENSE_REPORT_ADVANCES_FROZEN(
      `A report's advances change while it is draft, rejected or submitted; this one is ${report.status}`,
    );
}
