import { stringify } from 'csv-stringify/sync';
import { ApprovalResponseDto } from '../approvals/dto/approval.dto';
import { ExpenseReportResponseDto, ExpenseReportSummaryDto } from './dto/expense-report-response.dto';

/**
 * The CSV files of expense reports, RFC 4180 with CRLF; a text cell a spreadsheet would run as a
 * formula gets a leading single quote, as csv-stringify's `escape_formulas` does, except a plain
 * decimal: a negative balance ("-100.00") stays a number to the spreadsheet.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const DECIMAL = /^-\d+(\.\d+)?$/;

export function neutralized(value: string): string {
  return FORMULA_START.test(value) && !DECIMAL.test(value) ? `'${value}` : value;
}

/**
 * A report's summary: one row per line (`record` = line), per linked advance (`advance`), per
 * approval step (`approval`), the totals (`total`) and the balance after the advances
 * (`balance`: its amount in base_amount, reimburse / owed_back / settled in status).
 */
export function summaryCsv(summary: ExpenseReportSummaryDto): string {
  const rows: SummaryRow[] = [];
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
  for (const advance of summary.report.advances) {
    rows.push({
      ...EMPTY_SUMMARY_ROW,
      record: 'advance',
      amount: advance.amount,
      currency: advance.currency,
      base_amount: advance.base_amount,
      base_currency: summary.totals.base_currency,
      status: advance.status,
      advance_id: advance.id,
      paid_at: advance.paid_at,
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
  rows.push({
    ...EMPTY_SUMMARY_ROW,
    record: 'balance',
    base_amount: summary.totals.balance,
    base_currency: summary.totals.base_currency,
    status: summary.totals.balance_direction,
    comment: `approved ${summary.totals.approved_total}, advances ${summary.totals.advances_total}, pending advances ${summary.totals.advances_pending}`,
  });
  return stringify(rows, {
    header: true,
    columns: [...SUMMARY_COLUMNS],
    record_delimiter: 'windows',
    cast: { string: neutralized },
  });
}

/** The list: one row per report with its totals and its balance after the advances. */
export function listCsv(reports: ExpenseReportResponseDto[]): string {
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
    advances_total: r.advances_total,
    balance: r.balance,
    balance_direction: r.balance_direction,
  }));
  return stringify(rows, {
    header: true,
    columns: [...LIST_COLUMNS],
    record_delimiter: 'windows',
    cast: { string: neutralized },
  });
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
  'advance_id',
  'paid_at',
] as const;
type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], string | number | null>;
const EMPTY_SUMMARY_ROW = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, null])) as Record<
  (typeof SUMMARY_COLUMNS)[number],
  null
>;

function approvalRow(step: ApprovalResponseDto): SummaryRow {
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
  'advances_total',
  'balance',
  'balance_direction',
] as const;
