import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Advance } from '../advances/advance';
import { AdvanceLinks } from '../advances/advance-links';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { formatAmount } from '../common/money/money';
import { Page } from '../common/pagination/page';
import { OrganizationsService } from '../organizations/organizations.service';
import { ReportLines } from '../spends/report-lines';
import type { Spend } from '../spends/spend.entity';
import { SpendAttachments } from '../spends/spend-attachments';
import { ListExpenseReportsQuery } from './dto/expense-report-input.dto';
import { ExpenseReportResponseDto, ExpenseReportSummaryDto } from './dto/expense-report-response.dto';
import { ExpenseReport } from './expense-report.entity';
import { toLine, toReportResponse, totalsOf } from './expense-report.mapper';
import { ExpenseReportErrors } from './expense-reports.errors';
import { ExpenseReportsRepository } from './expense-reports.repository';
import { ReportAccess } from './report-access';
import { listCsv, summaryCsv } from './report-csv';

/** Longest list the CSV export writes at once; narrow the filter past it. */
const EXPORT_LIMIT = 10_000;

/** Reading expense reports (always through the caller's visibility): one, a page, the summary, the exports. */
@Injectable()
export class ExpenseReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ExpenseReportsRepository,
    private readonly access: ReportAccess,
    private readonly lines: ReportLines,
    private readonly approvals: ApprovalsService,
    private readonly attachments: SpendAttachments,
    private readonly organizations: OrganizationsService,
    private readonly advances: AdvanceLinks,
  ) {}

  /** The report if the caller may see it; 404 otherwise, as for another organization's. */
  async findVisible(actor: Actor, id: string): Promise<ExpenseReport> {
    const report = await this.reports.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
    if (!report) throw ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND(`Expense report ${id} does not exist`);
    return report;
  }

  async get(actor: Actor, id: string): Promise<ExpenseReportResponseDto> {
    return this.respond(await this.findVisible(actor, id));
  }

  async respond(report: ExpenseReport): Promise<ExpenseReportResponseDto> {
    const [page] = await this.respondAll(report.organizationId, [report]);
    return page;
  }

  async list(actor: Actor, query: ListExpenseReportsQuery): Promise<Page<ExpenseReportResponseDto>> {
    const { total, items } = await this.reports.listVisible(
      actor.organizationId,
      await this.access.scopeFor(actor),
      query,
    );
    return { total, items: await this.respondAll(actor.organizationId, items), next_cursor: null };
  }

  /** The summary a PDF would print, as JSON: the report, every line with its receipts and flags, totals, approval history. */
  async summary(actor: Actor, id: string): Promise<ExpenseReportSummaryDto> {
    const report = await this.findVisible(actor, id);
    const lines = await this.lines.of(report.organizationId, [report.id]);
    const ids = lines.map((l) => l.id);
    const [approvals, advances, receipts, baseCurrency] = await Promise.all([
      this.approvals.forSubjects(report.organizationId, 'expense_report', [report.id]),
      this.advances.of(this.dataSource, report.organizationId, [report.id]),
      this.attachments.forSpends(report.organizationId, ids),
      this.baseCurrency(report.organizationId),
    ]);
    const history = approvals.get(report.id) ?? [];
    const totals = totalsOf(lines, baseCurrency);
    const response = toReportResponse(report, lines, history, baseCurrency, advances);
    return {
      report: response,
      lines: lines.map((line) => ({
        ...toLine(line),
        category_id: line.categoryId,
        receipts: receipts.get(line.id) ?? [],
        policy_evaluation: line.policyEvaluation,
        rejection_comment: line.status === 'rejected' ? (report.lineRejections[line.id]?.comment ?? null) : null,
      })),
      totals: {
        total: formatAmount(totals.totalMinor, baseCurrency),
        approved_total: formatAmount(totals.approvedMinor, baseCurrency),
        rejected_total: formatAmount(totals.rejectedMinor, baseCurrency),
        base_currency: baseCurrency,
        spend_count: lines.length,
        receipt_count: lines.reduce((n, l) => n + l.receiptCount, 0),
        advances_total: response.advances_total,
        advances_pending: response.advances_pending,
        balance: response.balance,
        balance_direction: response.balance_direction,
      },
      flags: [...new Set(lines.flatMap((l) => l.flags))].sort(),
      approval_history: history,
      generated_at: new Date().toISOString(),
    };
  }

  /** The summary as CSV (see report-csv.ts). */
  async summaryCsv(actor: Actor, id: string): Promise<string> {
    return summaryCsv(await this.summary(actor, id));
  }

  /** The list as CSV, one row per report with its totals; the same filter as the list, at most EXPORT_LIMIT rows. */
  async listCsv(actor: Actor, query: ListExpenseReportsQuery): Promise<string> {
    const { items } = await this.reports.listVisible(actor.organizationId, await this.access.scopeFor(actor), {
      ...query,
      limit: EXPORT_LIMIT,
      offset: 0,
    });
    return listCsv(await this.respondAll(actor.organizationId, items));
  }

  private async respondAll(organizationId: string, reports: ExpenseReport[]): Promise<ExpenseReportResponseDto[]> {
    if (reports.length === 0) return [];
    const ids = reports.map((r) => r.id);
    const [lines, approvals, advances, baseCurrency] = await Promise.all([
      this.lines.of(organizationId, ids),
      this.approvals.forSubjects(organizationId, 'expense_report', ids),
      this.advances.of(this.dataSource, organizationId, ids),
      this.baseCurrency(organizationId),
    ]);
    const byReport = new Map<string, Spend[]>(ids.map((id) => [id, []]));
    for (const line of lines) byReport.get(line.expenseReportId!)?.push(line);
    const advancesOf = new Map<string, Advance[]>(ids.map((id) => [id, []]));
    for (const advance of advances) advancesOf.get(advance.expenseReportId!)?.push(advance);
    return reports.map((r) =>
      toReportResponse(
        r,
        byReport.get(r.id) ?? [],
        approvals.get(r.id) ?? [],
        baseCurrency,
        advancesOf.get(r.id) ?? [],
      ),
    );
  }

  private baseCurrency(organizationId: string): Promise<string> {
    return this.organizations.baseCurrency(this.dataSource.manager, organizationId);
  }
}
