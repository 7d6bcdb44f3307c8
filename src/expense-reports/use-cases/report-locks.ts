import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/roles';
import { ExpenseReport } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';
import { ReportAccess } from '../report-access';

/**
 * How every change to a report starts: who may see it is settled before the transaction opens
 * (so that the transaction never waits for a second pool connection; not visible is 404, whether
 * it exists or not), then the report is row-locked in the transaction.
 */
@Injectable()
export class ReportLocks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ExpenseReportsRepository,
    private readonly access: ReportAccess,
  ) {}

  async visible(actor: Actor, id: string): Promise<ExpenseReport> {
    const report = await this.reports.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
    if (!report) throw ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND(`Expense report ${id} does not exist`);
    return report;
  }

  async lock(tx: EntityManager, organizationId: string, id: string): Promise<ExpenseReport> {
    const report = await this.reports.lockById(tx, organizationId, id);
    if (!report) throw ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND(`Expense report ${id} does not exist`);
    return report;
  }

  /** The owner's change, in one transaction with the report locked. */
  async asOwner<T>(
    actor: Actor,
    id: string,
    work: (tx: EntityManager, report: ExpenseReport) => Promise<T>,
  ): Promise<T> {
    await this.visible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      const report = await this.lock(tx, actor.organizationId, id);
      if (report.userId !== actor.userId)
        throw ExpenseReportErrors.NOT_EXPENSE_REPORT_OWNER("Only the expense report's owner may do this");
      return work(tx, report);
    });
  }
}
