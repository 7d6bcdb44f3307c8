import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpendsModule } from '../spends/spends.module';
import { ExportRepository } from './export/export.repository';
import { ReportAudience } from './report-audience';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { BudgetReport } from './use-cases/budget-report';
import { ChartReport } from './use-cases/chart-report';
import { DashboardReport } from './use-cases/dashboard-report';
import { SpendExport } from './use-cases/spend-export';
import { SummaryReport } from './use-cases/summary-report';

/**
 * Read-only reports over the spends a caller may see: summary, dashboard, exports and a chart.
 * Spends' visibility comes from the spends module (SpendAccess), so a report never shows a
 * manager more than GET /spends does.
 */
@Module({
  imports: [OrganizationsModule, SpendsModule, ApprovalsModule],
  controllers: [ReportsController],
  providers: [
    ReportsRepository,
    ExportRepository,
    ReportAudience,
    SummaryReport,
    DashboardReport,
    SpendExport,
    ChartReport,
    BudgetReport,
  ],
})
export class ReportsModule {}
