import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement, variant } from '../database/sql';
import { SpendScope } from '../spends/spend-access';
import { visibleTo } from '../spends/spends.repository';
import { DateRange } from './report-period';
import { Grouping, ReportFilter } from './report-filter';

/** What a dashboard period's submitted spends tell, with its reported spends' totals per category. */
export interface PeriodOutcomes {
  blocked: number;
  flagged: number;
  avgDecisionSeconds: number | null;
  byCategory: GroupTotal[];
}

/** A group's sum in one base currency: exact, as PostgreSQL's numeric sum of bigint minor units. */
export interface GroupTotal {
  key: string | null;
  baseCurrency: string;
  totalMinor: bigint;
  count: number;
}

/** Grouped by `group`, answered as `select` (a month is grouped as a date and named after grouping: faster than to_char on every row). */
const MONTH = "date_trunc('month', s.spend_date::timestamp)";
const GROUP_KEYS: Record<Grouping, { group: string; select: string }> = {
  category: { group: 's.category_id', select: 's.category_id' },
  user: { group: 's.user_id', select: 's.user_id' },
  team: { group: 's.team_id', select: 's.team_id' },
  month: { group: MONTH, select: `to_char(${MONTH}, 'YYYY-MM')` },
  status: { group: 's.status', select: 's.status' },
};

/** Names of the things a summary groups by; fixed table names, never taken from a client. */
const labels = (grouping: Grouping, table: string, column: string): Statement => ({
  name: `reports.labels_${grouping}`,
  text: `SELECT id, ${column} AS label FROM ${table} WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
});
const LABELS: Partial<Record<Grouping, Statement>> = {
  category: labels('category', 'categories', 'name'),
  user: labels('user', 'users', 'full_name'),
  team: labels('team', 'teams', 'name'),
};

/**
 * Conditions on the spends of alias `s` and their values, in placeholder order: a report's
 * statement is put together from them (and named after its text, see `variant`).
 */
export class SpendConditions {
  readonly values: unknown[] = [];
  private readonly conditions: string[] = [];

  /** The placeholder of one more value. */
  readonly param = (value: unknown): string => `$${this.values.push(value)}`;

  and(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  get where(): string {
    return this.conditions.join(' AND ');
  }
}

/**
 * Aggregates over spends for reports. Every query starts from the organization's spends and
 * the caller's visibility (the same `visibleTo` the spends list uses), then sums in SQL:
 * `sum(bigint)` is numeric, so no total is ever rounded or overflows.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organization's spends the caller may see, dated within the filter, in its statuses. */
  visibleSpends(organizationId: string, scope: SpendScope, filter: ReportFilter): SpendConditions {
    const spends = this.allVisible(organizationId, scope);
    spends.and(`s.status = ANY(${spends.param(filter.statuses)}::text[])`);
    if (filter.from) spends.and(`s.spend_date >= ${spends.param(filter.from)}`);
    if (filter.to) spends.and(`s.spend_date <= ${spends.param(filter.to)}`);
    return spends;
  }

  private allVisible(organizationId: string, scope: SpendScope): SpendConditions {
    const spends = new SpendConditions();
    spends.and(`s.organization_id = ${spends.param(organizationId)}`);
    const visible = visibleTo(scope, spends.param);
    return visible ? spends.and(visible) : spends;
  }

  /** Totals per group and per base currency (more than one only if the organization changed it). */
  async totals(
    organizationId: string,
    scope: SpendScope,
    filter: ReportFilter,
    grouping: Grouping,
  ): Promise<GroupTotal[]> {
    const key = GROUP_KEYS[grouping];
    const spends = this.visibleSpends(organizationId, scope, filter);
    const rows = await runSql<{ key: string | null; base_currency: string; total: string; count: number }>(
      this.dataSource,
      variant(
        'reports.totals',
        `SELECT ${key.select} AS key, s.base_currency, sum(s.base_amount_minor)::text AS total, count(*)::int AS count
         FROM spends s WHERE ${spends.where} GROUP BY ${key.group}, s.base_currency`,
      ),
      spends.values,
    );
    return rows.map((row) => ({
      key: row.key,
      baseCurrency: row.base_currency,
      totalMinor: BigInt(row.total),
      count: row.count,
    }));
  }

  /** Names for category, user and team ids of the organization. */
  async labels(organizationId: string, grouping: Grouping, ids: string[]): Promise<Map<string, string>> {
    const statement = LABELS[grouping];
    if (!statement || ids.length === 0) return new Map();
    const rows = await runSql<{ id: string; label: string }>(this.dataSource, statement, [organizationId, ids]);
    return new Map(rows.map((row) => [row.id, row.label]));
  }

  /** Spends waiting for a decision, and the submission of the one waiting longest (served by `spends_org_pending_idx`). */
  async pending(organizationId: string, scope: SpendScope): Promise<{ count: number; oldest: Date | null }> {
    const spends = this.allVisible(organizationId, scope).and("s.status = 'pending_approval'");
    const [row] = await runSql<{ count: number; oldest: Date | null }>(
      this.dataSource,
      variant(
        'reports.pending',
        `SELECT count(*)::int AS count, min(s.submitted_at) AS oldest FROM spends s WHERE ${spends.where}`,
      ),
      spends.values,
    );
    return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
  }

  /**
   * Of the period's submitted spends, in one scan: how many a policy blocked, how many carry a
   * flag, the mean seconds from submission to the final decision of those that waited for an
   * approver (a spend decided by the policies alone is decided at submission and tells
   * nothing), and the totals per category of those in `reported` statuses. One pass instead
   * of two: over a large organization's year each is a scan of the period's spends.
   */
  async periodOutcomes(
    organizationId: string,
    scope: SpendScope,
    period: DateRange,
    reported: ReportFilter['statuses'],
  ): Promise<PeriodOutcomes> {
    const spends = this.visibleSpends(organizationId, scope, { ...period, statuses: SUBMITTED });
    const waited = "s.status IN ('approved', 'paid', 'rejected') AND s.decided_at > s.submitted_at";
    const counted = `s.status = ANY(${spends.param(reported)}::text[])`;
    const rows = await runSql<{
      key: string | null;
      base_currency: string;
      total: string | null;
      count: number;
      blocked: number;
      flagged: number;
      waited_seconds: string | null;
      waited: number;
    }>(
      this.dataSource,
      variant(
        'reports.period_outcomes',
        `SELECT s.category_id AS key, s.base_currency,
           (sum(s.base_amount_minor) FILTER (WHERE ${counted}))::text AS total,
           count(*) FILTER (WHERE ${counted})::int AS count,
           count(*) FILTER (WHERE s.status = 'blocked')::int AS blocked,
           count(*) FILTER (WHERE cardinality(s.flags) > 0)::int AS flagged,
           sum(extract(epoch FROM s.decided_at - s.submitted_at)) FILTER (WHERE ${waited}) AS waited_seconds,
           count(*) FILTER (WHERE ${waited})::int AS waited
         FROM spends s WHERE ${spends.where} GROUP BY s.category_id, s.base_currency`,
      ),
      spends.values,
    );
    const waitedCount = rows.reduce((sum, row) => sum + row.waited, 0);
    const waitedSeconds = rows.reduce((sum, row) => sum + Number(row.waited_seconds ?? 0), 0);
    return {
      blocked: rows.reduce((sum, row) => sum + row.blocked, 0),
      flagged: rows.reduce((sum, row) => sum + row.flagged, 0),
      avgDecisionSeconds: waitedCount === 0 ? null : waitedSeconds / waitedCount,
      byCategory: rows
        .filter((row) => row.count > 0)
        .map((row) => ({
          key: row.key,
          baseCurrency: row.base_currency,
          totalMinor: BigInt(row.total ?? '0'),
          count: row.count,
        })),
    };
  }

  /** How many of the period's submitted spends carry each flag, most frequent first (served by `spends_org_flagged_idx`). */
  async flagCounts(
    organizationId: string,
    scope: SpendScope,
    period: DateRange,
  ): Promise<Array<{ flag: string; count: number }>> {
    const spends = this.visibleSpends(organizationId, scope, { ...period, statuses: SUBMITTED }).and(
      'cardinality(s.flags) > 0',
    );
    return runSql<{ flag: string; count: number }>(
      this.dataSource,
      variant(
        'reports.flag_counts',
        `SELECT f.flag, count(*)::int AS count FROM (SELECT unnest(s.flags) AS flag FROM spends s WHERE ${spends.where}) f
         GROUP BY f.flag ORDER BY count DESC, f.flag ASC`,
      ),
      spends.values,
    );
  }
}

/** Every status a spend can have once submitted. */
const SUBMITTED: ReportFilter['statuses'] = [
  'pending_approval',
  'approved',
  'paid',
  'rejected',
  'blocked',
  'cancelled',
];
