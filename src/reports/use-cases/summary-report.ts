import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/roles';
import { formatAmount } from '../../common/money/money';
import { SPEND_STATUSES } from '../../spends/spend.entity';
import { SummaryQuery } from '../dto/report-query.dto';
import { SummaryResponseDto } from '../dto/report-response.dto';
import { ReportAudience, ReportContext } from '../report-audience';
import { Grouping, ReportFilter, reportFilter } from '../report-filter';
import { monthLabel } from '../report-period';
import { GroupTotal, ReportsRepository } from '../reports.repository';

export interface SummaryGroup {
  key: string | null;
  label: string;
  totalMinor: bigint;
  count: number;
}

/** Totals in the base currency; `totalMinor` is exactly the sum of the groups'. */
export interface Summary {
  baseCurrency: string;
  grouping: Grouping;
  filter: ReportFilter;
  totalMinor: bigint;
  count: number;
  groups: SummaryGroup[];
  /** Spends stored in an earlier base currency of the organization, which no total mixes in. */
  others: Array<{ baseCurrency: string; totalMinor: bigint; count: number }>;
}

const NO_KEY_LABELS: Partial<Record<Grouping, string>> = { category: 'Uncategorized', team: 'No team' };

/**
 * Spend totals grouped by category, user, team, month or status, from each spend's stored
 * base amount (never converted again at read time).
 */
@Injectable()
export class SummaryReport {
  constructor(
    private readonly audience: ReportAudience,
    private readonly reports: ReportsRepository,
  ) {}

  async execute(actor: Actor, query: SummaryQuery): Promise<SummaryResponseDto> {
    return toSummaryResponse(await this.build(await this.audience.of(actor), reportFilter(query), query.group_by));
  }

  async build(context: ReportContext, filter: ReportFilter, grouping: Grouping): Promise<Summary> {
    return this.fromTotals(
      context,
      filter,
      grouping,
      await this.reports.totals(context.organizationId, context.scope, filter, grouping),
    );
  }

  /** The summary of totals already read with `filter` and `grouping` (labelled, sorted, split by base currency). */
  async fromTotals(
    context: ReportContext,
    filter: ReportFilter,
    grouping: Grouping,
    rows: GroupTotal[],
  ): Promise<Summary> {
    const own = rows.filter((row) => row.baseCurrency === context.baseCurrency);
    const labels = await this.reports.labels(
      context.organizationId,
      grouping,
      own.flatMap((row) => (row.key === null ? [] : [row.key])),
    );
    const groups = sortGroups(
      grouping,
      own.map((row) => ({
        key: row.key,
        label: labelOf(grouping, row.key, labels),
        totalMinor: row.totalMinor,
        count: row.count,
      })),
    );
    const others = new Map<string, { baseCurrency: string; totalMinor: bigint; count: number }>();
    for (const row of rows.filter((r) => r.baseCurrency !== context.baseCurrency)) {
      const other = others.get(row.baseCurrency) ?? { baseCurrency: row.baseCurrency, totalMinor: 0n, count: 0 };
      other.totalMinor += row.totalMinor;
      other.count += row.count;
      others.set(row.baseCurrency, other);
    }
    return {
      baseCurrency: context.baseCurrency,
      grouping,
      filter,
      totalMinor: groups.reduce((sum, group) => sum + group.totalMinor, 0n),
      count: groups.reduce((sum, group) => sum + group.count, 0),
      groups,
      others: [...others.values()].sort((a, b) => a.baseCurrency.localeCompare(b.baseCurrency)),
    };
  }
}

function labelOf(grouping: Grouping, key: string | null, names: Map<string, string>): string {
  if (key === null) return NO_KEY_LABELS[grouping] ?? 'None';
  if (grouping === 'month') return monthLabel(key);
  if (grouping === 'status') return statusLabel(key);
  return names.get(key) ?? key;
}

/** `pending_approval` → `Pending approval`. */
export function statusLabel(status: string): string {
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Months in calendar order, statuses in workflow order, everything else largest first. */
function sortGroups(grouping: Grouping, groups: SummaryGroup[]): SummaryGroup[] {
  if (grouping === 'month') return groups.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  if (grouping === 'status')
    return groups.sort((a, b) => SPEND_STATUSES.indexOf(a.key as never) - SPEND_STATUSES.indexOf(b.key as never));
  return groups.sort((a, b) =>
    a.totalMinor === b.totalMinor ? a.label.localeCompare(b.label) : a.totalMinor > b.totalMinor ? -1 : 1,
  );
}

export function toSummaryResponse(summary: Summary): SummaryResponseDto {
  const money = (minor: bigint, currency = summary.baseCurrency) => formatAmount(minor, currency);
  return {
    base_currency: summary.baseCurrency,
    group_by: summary.grouping,
    from: summary.filter.from ?? null,
    to: summary.filter.to ?? null,
    statuses: summary.filter.statuses,
    total: money(summary.totalMinor),
    count: summary.count,
    groups: summary.groups.map((group) => ({
      key: group.key,
      label: group.label,
      total: money(group.totalMinor),
      count: group.count,
    })),
    other_base_currencies: summary.others.map((other) => ({
      base_currency: other.baseCurrency,
      total: money(other.totalMinor, other.baseCurrency),
      count: other.count,
    })),
  };
}
