import type { SpendStatus } from '../../spends/spend.entity';
import type { ExportFormat, Grouping } from '../report-filter';
import { JOURNAL_STATUSES } from '../report-filter';

export const STORED_REPORT_KINDS = ['summary', 'csv', 'xlsx', 'journal'] as const;
export type StoredReportKind = (typeof STORED_REPORT_KINDS)[number];

export const STORED_REPORT_STATUSES = ['queued', 'running', 'ready', 'failed', 'expired'] as const;
export type StoredReportStatus = (typeof STORED_REPORT_STATUSES)[number];

/**
 * Why a job failed, as `error_code` says it: the requester may no longer run reports, the
 * spreadsheet would be too large, the file store could not be written, or anything else.
 */
export const STORED_REPORT_ERRORS = [
  'REQUESTER_NOT_ALLOWED',
  'EXPORT_TOO_LARGE',
  'STORAGE_UNAVAILABLE',
  'REPORT_FAILED',
] as const;
export type StoredReportError = (typeof STORED_REPORT_ERRORS)[number];

/** The filters of the synchronous endpoints, as the row keeps them (validated by the same DTOs). */
export interface StoredReportParameters {
  from?: string;
  to?: string;
  status?: SpendStatus[];
  /** Summary only. */
  group_by?: Grouping;
}

export interface StoredReport {
  id: string;
  organizationId: string;
  requestedBy: string;
  kind: StoredReportKind;
  parameters: StoredReportParameters;
  status: StoredReportStatus;
  progress: number;
  fileSha256: string | null;
  fileSize: number | null;
  contentType: string | null;
  filename: string | null;
  errorCode: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

/** The synchronous export's `format` of a file kind. */
export const EXPORT_FORMAT_OF: Record<Exclude<StoredReportKind, 'summary'>, ExportFormat> = {
  csv: 'csv',
  xlsx: 'xlsx',
  journal: 'journal_csv',
};

/**
 * What is wrong with parameters that each passed the DTO but do not fit the kind, as
 * validation errors (`parameters.<field>`); empty when they fit. The same refusals as the
 * synchronous endpoints': `group_by` is the summary's, and a journal books approved and paid
 * spends only.
 */
export function parameterProblems(
  kind: StoredReportKind,
  parameters: StoredReportParameters,
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (kind !== 'summary' && parameters.group_by !== undefined)
    problems.push({ field: 'parameters.group_by', message: 'applies to kind summary only' });
  if (kind === 'journal' && (parameters.status ?? []).some((status) => !JOURNAL_STATUSES.includes(status)))
    problems.push({ field: 'parameters.status', message: 'a journal books approved and paid spends only' });
  return problems;
}

/** The parameters as stored: only the fields given, statuses without repeats, `group_by` for summaries (default category). */
export function storedParameters(kind: StoredReportKind, parameters: StoredReportParameters): StoredReportParameters {
  const stored: StoredReportParameters = {};
  if (parameters.from !== undefined) stored.from = parameters.from;
  if (parameters.to !== undefined) stored.to = parameters.to;
  if (parameters.status !== undefined && parameters.status.length > 0) stored.status = [...new Set(parameters.status)];
  if (kind === 'summary') stored.group_by = parameters.group_by ?? 'category';
  return stored;
}

/** When a file made at `finishedAt` expires. */
export function expiryOf(finishedAt: Date, retentionHours: number): Date {
  return new Date(finishedAt.getTime() + retentionHours * 3_600_000);
}

/** The summary's file name; exports keep the synchronous endpoint's (`spends-…`, `journal-…`). */
export function summaryFilename(parameters: StoredReportParameters, today: string): string {
  return `summary-by-${parameters.group_by ?? 'category'}-${parameters.from ?? 'start'}-to-${parameters.to ?? today}.json`;
}
