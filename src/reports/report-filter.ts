import { SpendStatus } from '../spends/spend.entity';

/**
 * What every report reads: spends dated (`spend_date`) within inclusive bounds, in some
 * statuses. Without `status`, reports count spends that were submitted and neither refused
 * nor withdrawn: what the organization spent or is about to.
 */
export interface ReportFilter {
  from?: string;
  to?: string;
  statuses: SpendStatus[];
}

export const REPORTED_STATUSES: SpendStatus[] = ['pending_approval', 'approved', 'paid'];

/** An accounting journal books what was approved, paid or not yet. */
export const JOURNAL_STATUSES: SpendStatus[] = ['approved', 'paid'];

export const GROUPINGS = ['category', 'user', 'team', 'month', 'status'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const CHART_GROUPINGS = ['month', 'category'] as const;
export type ChartGrouping = (typeof CHART_GROUPINGS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx', 'journal_csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function reportFilter(
  query: { from?: string; to?: string; status?: SpendStatus[] },
  defaults: SpendStatus[] = REPORTED_STATUSES,
): ReportFilter {
  return {
    from: query.from,
    to: query.to,
    statuses: query.status && query.status.length > 0 ? [...new Set(query.status)] : defaults,
  };
}
