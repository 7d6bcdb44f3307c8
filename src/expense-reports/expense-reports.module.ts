import { Module } from '@nestjs/common';
import { AdvancesModule } from '../advances/advances.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpendsModule } from '../spends/spends.module';
import { ExpenseReportAdvancesController } from './expense-report-advances.controller';
import { ExpenseReportExportsController } from './expense-report-exports.controller';
import { ExpenseReportLinesController } from './expense-report-lines.controller';
import { ExpenseReportsController } from './expense-reports.controller';
import { ExpenseReportsRepository } from './expense-reports.repository';
import { ExpenseReportsService } from './expense-reports.service';
import { ReportAccess } from './report-access';
import { ReportBalance } from './report-balance';
import { ReportAdvances } from './use-cases/report-advances';
import { ReportLineFreeze } from './use-cases/report-line-freeze';
import { ReportPayoutsRepository } from './report-payouts.repository';
import { ReportDecisions } from './use-cases/report-decisions';
import { ReportDrafting } from './use-cases/report-drafting';
import { ReportLocks } from './use-cases/report-locks';
import { ReportPayments } from './use-cases/report-payments';
import { ReportPayouts } from './use-cases/report-payouts';
import { ReportRound } from './use-cases/report-round';
import { ReportSubmission } from './use-cases/report-submission';

/**
 * Expense reports (trips): an owner's spends grouped and approved as a whole. Above spends (whose
 * ReportLines it calls) and approvals (which decide its `expense_report` subjects); below
 * payouts, which pays reports through ReportPayouts (what they come to: ReportBalance). Cash
 * advances linked to a report (advances' AdvanceLinks) offset its balance.
 */
@Module({
  imports: [SpendsModule, AdvancesModule, ApprovalsModule, OrganizationsModule],
  // The exports controller first: its `export` route must not be taken for an id.
  controllers: [
    ExpenseReportExportsController,
    ExpenseReportsController,
    ExpenseReportLinesController,
    ExpenseReportAdvancesController,
  ],
  providers: [
    ExpenseReportsService,
    ExpenseReportsRepository,
    ReportAccess,
    ReportLocks,
    ReportDrafting,
    ReportRound,
    ReportSubmission,
    ReportDecisions,
    ReportPayments,
    ReportAdvances,
    ReportLineFreeze,
    ReportBalance,
    ReportPayoutsRepository,
    ReportPayouts,
  ],
  exports: [ExpenseReportsService, ReportPayments, ReportBalance, ReportPayouts],
})
export class ExpenseReportsModule {}
