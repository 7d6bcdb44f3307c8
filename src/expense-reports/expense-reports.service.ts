import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalResponseDto } from '../approvals/dto/approval.dto';
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
    const [approvals, receipts, baseCurrency] = await Promise.all([
      this.approvals.forSubjects(report.organizationId, 'expense_report', [report.id]),
      this.attachments.forSpends(report.organizationId, ids),
      this.baseCurrency(report.organizationId),
    ]);
    const history = approvals.get(report.id) ?? [];
    const totals = totalsOf(lines, baseCurrency);
    return {
      report: toReportResponse(report, lines, history, baseCurrency),
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
      },
      flags: [...new Set(lines.flatMap((l) => l.flags))].sort(),
      approval_history: history,
      generated_at: new Date().toISOString(),
    };
  }

  /**
   * The summary as CSV: one row per line (`record` = line), per approval step (`approval`) and
   * the totals (`total`), RFC 4180 with CRLF; a cell a spreadsheet would run as a formula gets a
   * leading single quote.
   */
  async summaryCsv(actor: Actor, id: string): Promise<string> {
    const summary = await this.summary(actor, id);
    const rows: Array<Record<(typeof SUMMARY_COLUMNS)[number], string | number | null>> = [];
    for (const line of summary.lines) {
      rows.push({
        ...EMPTY_SUMMARY_ROW,
        record: 'line',
        spend_id: line.spend_id,
        spend_date: line.spend_date,
        merchant: line.merchant,
        description: line.description,
        amount: line.amount,
        currency: line.currency,
        base_amount: line.base_amount,
        base_currency: line.base_currency,
        status: line.status,
        flags: line.flags.join(' '),
        receipts: line.receipts.map((r) => (r as { filename?: string }).filename ?? '').join(' '),
        comment: line.rejection_comment,
      });
    }
    for (const step of summary.approval_history) rows.push(approvalRow(step));
    rows.push({
      ...EMPTY_SUMMARY_ROW,
      record: 'total',
      base_amount: summary.totals.approved_total,
      base_currency: summary.totals.base_currency,
      status: summary.report.status,
      comment: `total ${summary.totals.total}, rejected ${summary.totals.rejected_total}`,
    });
    return stringify(rows, {
      header: true,
      columns: [...SUMMARY_COLUMNS],
      record_delimiter: 'windows',
      escape_formulas: true,
    });
  }

  /** The list as CSV, one row per report with its totals; the same filter as the list, at most EXPORT_LIMIT rows. */
  async listCsv(actor: Actor, query: ListExpenseReportsQuery): Promise<string> {
    const { items } = await this.reports.listVisible(actor.organizationId, await this.access.scopeFor(actor), {
      ...query,
      limit: EXPORT_LIMIT,
      offset: 0,
    });
    const reports = await this.respondAll(actor.organizationId, items);
    const rows = reports.map((r) => ({
      id: r.id,
      user_id: r.user_id,
      title: r.title,
      purpose: r.purpose,
      trip: r.trip,
      starts_on: r.starts_on,
      ends_on: r.ends_on,
      status: r.status,
      spend_count: r.spend_count,
      total: r.total,
      approved_total: r.approved_total,
      base_currency: r.base_currency,
      submitted_at: r.submitted_at,
      decided_at: r.decided_at,
      paid_at: r.paid_at,
    }));
    return stringify(rows, {
      header: true,
      columns: [...LIST_COLUMNS],
      record_delimiter: 'windows',
      escape_formulas: true,
    });
  }

  private async respondAll(organizationId: string, reports: ExpenseReport[]): Promise<ExpenseReportResponseDto[]> {
    if (reports.length === 0) return [];
    const ids = reports.map((r) => r.id);
    const [lines, approvals, baseCurrency] = await Promise.all([
      this.lines.of(organizationId, ids),
      this.approvals.forSubjects(organizationId, 'expense_report', ids),
      this.baseCurrency(organizationId),
    ]);
    const byReport = new Map<string, Spend[]>(ids.map((id) => [id, []]));
    for (const line of lines) byReport.get(line.expenseReportId!)?.push(line);
    return reports.map((r) => toReportResponse(r, byReport.get(r.id) ?? [], approvals.get(r.id) ?? [], baseCurrency));
  }

  private baseCurrency(organizationId: string): Promise<string> {
    return this.organizations.baseCurrency(this.dataSource.manager, organizationId);
  }
}

const SUMMARY_COLUMNS = [
  'record',
  'spend_id',
  'spend_date',
  'merchant',
  'description',
  'amount',
  'currency',
  'base_amount',
  'base_currency',
  'status',
  'flags',
  'receipts',
  'round',
  'step',
  'approver',
  'decided_by',
  'decided_at',
  'comment',
] as const;
const EMPTY_SUMMARY_ROW = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, null])) as Record<
  (typeof SUMMARY_COLUMNS)[number],
  null
>;

function approvalRow(step: ApprovalResponseDto): Record<(typeof SUMMARY_COLUMNS)[number], string | number | null> {
  return {
    ...EMPTY_SUMMARY_ROW,
    record: 'approval',
    status: step.status,
    round: step.round,
    step: step.step,
    approver: step.approver.user_id ?? step.approver.role,
    decided_by: step.decided_by,
    decided_at: step.decided_at,
    comment: step.comment,
  };
}

const LIST_COLUMNS = [
  'id',
  'user_id',
  'title',
  'purpose',
  'trip',
  'starts_on',
  'ends_on',
  'status',
  'spend_count',
  'total',
  'approved_total',
  'base_currency',
  'submitted_at',
  'decided_at',
  'paid_at',
] as const;
