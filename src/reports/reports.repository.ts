import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { SpendScope } from '../spends/spend-access';
import { Spend } from '../spends/spend.entity';
import { restrictTo } from '../spends/spends.repository';
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
const LABEL_TABLES: Partial<Record<Grouping, { table: string; column: string }>> = {
  category: { table: 'categories', column: 'name' },
  user: { table: 'users', column: 'full_name' },
  team: { table: 'teams', column: 'name' },
};

/**
 * Aggregates over spends for reports. Every query starts from the organization's spends and
 * the caller's visibility (the same `restrictTo` the spends list uses), then sums in SQL:
 * `sum(bigint)` is numeric, so no total is ever rounded or overflows.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organization's spends the caller may see, dated within the filter, in its statuses. */
  visibleSpends(organizationId: string, scope: SpendScope, filter: ReportFilter): SelectQueryBuilder<Spend> {
    const query = this.allVisible(organizationId, scope).andWhere('s.status IN (:...statuses)', {
      statuses: filter.statuses,
    });
    if (filter.from) query.andWhere('s.spend_date >= :from', { from: filter.from });
    if (filter.to) query.andWhere('s.spend_date <= :to', { to: filter.to });
    return query;
  }

  private allVisible(organizationId: string, scope: SpendScope): SelectQueryBuilder<Spend> {
    const query = this.dataSource.manager
      .getRepository(Spend)
      .createQueryBuilder('s')
      .where('s.organization_id = :organizationId', { organizationId });
    return restrictTo(query, scope);
  }

  /** Totals per group and per base currency (more than one only if the organization changed it). */
  async totals(
    organizationId: string,
    scope: SpendScope,
    filter: ReportFilter,
    grouping: Grouping,
  ): Promise<GroupTotal[]> {
    const key = GROUP_KEYS[grouping];
    const rows: Array<{ key: string | null; base_currency: string; total: string; count: number }> =
      await this.visibleSpends(organizationId, scope, filter)
        .select(key.select, 'key')
        .addSelect('s.base_currency', 'base_currency')
        .addSelect('sum(s.base_amount_minor)::text', 'total')
        .addSelect('count(*)::int', 'count')
        .groupBy(key.group)
        .addGroupBy('s.base_currency')
        .getRawMany();
    return rows.map((row) => ({
      key: row.key,
      baseCurrency: row.base_currency,
      totalMinor: BigInt(row.total),
      count: row.count,
    }));
  }

  /** Names for category, user and team ids of the organization. */
  async labels(organizationId: string, grouping: Grouping, ids: string[]): Promise<Map<string, string>> {
    const source = LABEL_TABLES[grouping];
    if (!source || ids.length === 0) return new Map();
    const rows: Array<{ id: string; label: string }> = await this.dataSource.query(
      `SELECT id, ${source.column} AS label FROM ${source.table} WHERE organization_id = $1 AND id = ANY($2)`,
      [organizationId, ids],
    );
    return new Map(rows.map((row) => [row.id, row.label]));
  }

  /** Spends waiting for a decision, and the submission of the one waiting longest (served by `spends_org_pending_idx`). */
  async pending(organizationId: string, scope: SpendScope): Promise<{ count: number; oldest: Date | null }> {
    const row: { count: number; oldest: Date | null } | undefined = await this.allVisible(organizationId, scope)
      .andWhere("s.status = 'pending_approval'")
      .select('count(*)::int', 'count')
      .addSelect('min(s.submitted_at)', 'oldest')
      .getRawOne();
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
    const waited = "s.status IN ('approved', 'paid', 'rejected') AND s.decided_at > s.submitted_at";
    const counted = 's.status IN (:...reported)';
    const rows: Array<{
      key: string | null;
      base_currency: string;
      total: string | null;
      count: number;
      blocked: number;
      flagged: number;
      waited_seconds: string | null;
      waited: number;
    }> = await this.visibleSpends(organizationId, scope, { ...period, statuses: SUBMITTED })
      .select('s.category_id', 'key')
      .addSelect('s.base_currency', 'base_currency')
      .addSelect(`(sum(s.base_amount_minor) FILTER (WHERE ${counted}))::text`, 'total')
      .addSelect(`count(*) FILTER (WHERE ${counted})::int`, 'count')
      .addSelect("count(*) FILTER (WHERE s.status = 'blocked')::int", 'blocked')
      .addSelect('count(*) FILTER (WHERE cardinality(s.flags) > 0)::int', 'flagged')
      .addSelect(`sum(extract(epoch FROM s.decided_at - s.submitted_at)) FILTER (WHERE ${waited})`, 'waited_seconds')
      .addSelect(`count(*) FILTER (WHERE ${waited})::int`, 'waited')
      .setParameter('reported', reported)
      .groupBy('s.category_id')
      .addGroupBy('s.base_currency')
      .getRawMany();
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
    const flagged = this.visibleSpends(organizationId, scope, { ...period, statuses: SUBMITTED })
      .andWhere('cardinality(s.flags) > 0')
      .select('unnest(s.flags)', 'flag');
    return this.dataSource
      .createQueryBuilder()
      .select('f.flag', 'flag')
      .addSelect('count(*)::int', 'count')
      .from(`(${flagged.getQuery()})`, 'f')
      .setParameters(flagged.getParameters())
      .groupBy('f.flag')
      .orderBy('count', 'DESC')
      .addOrderBy('f.flag', 'ASC')
      .getRawMany();
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
