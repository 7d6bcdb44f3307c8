import { Abstract, DynamicModule, Module, Type } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpendsModule } from '../spends/spends.module';
import { UsersModule } from '../users/users.module';
import { ExportRepository } from './export/export.repository';
import { ReportAudience } from './report-audience';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportExpiry } from './stored/report-expiry';
import { ReportFiles } from './stored/report-files';
import { StoredReportJob } from './stored/stored-report-job';
import { StoredReportsController } from './stored/stored-reports.controller';
import { StoredReportsRepository } from './stored/stored-reports.repository';
import { StoredReportsService } from './stored/stored-reports.service';
import { BudgetReport } from './use-cases/budget-report';
import { ChartReport } from './use-cases/chart-report';
import { DashboardReport } from './use-cases/dashboard-report';
import { SpendExport } from './use-cases/spend-export';
import { SummaryReport } from './use-cases/summary-report';

/**
 * Read-only reports over the spends a caller may see: summary, dashboard, exports and a chart,
 * and the same built in the background and stored (src/reports/stored; docs/reports.md).
 * Spends' visibility comes from the spends module (SpendAccess), so a report never shows a
 * manager more than GET /spends does.
 */
@Module({
  imports: [OrganizationsModule, SpendsModule, ApprovalsModule, UsersModule],
  // ReportsController first: its static routes (/reports/summary…) before /reports/:report_id.
  controllers: [ReportsController, StoredReportsController],
  providers: [
    ReportsRepository,
    ExportRepository,
    ReportAudience,
    SummaryReport,
    DashboardReport,
    SpendExport,
    ChartReport,
    BudgetReport,
    StoredReportsRepository,
    StoredReportsService,
    StoredReportJob,
    ReportExpiry,
  ],
})
export class ReportsModule {
  /** With the file store of stored reports: `store` (a ReportFiles) as the module `from` provides it. */
  static withFiles(from: Type<unknown>, store: Abstract<ReportFiles>): DynamicModule {
    return {
      module: ReportsModule,
      imports: [from],
      providers: [{ provide: ReportFiles, useExisting: store }],
    };
  }
}
