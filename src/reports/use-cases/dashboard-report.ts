import { Injectable } from '@nestjs/common';
import { SlaSettingsService } from '../../approvals/sla-settings.service';
import type { Actor } from '../../common/auth/roles';
import { readsWholeOrganization } from '../../common/auth/roles';
import { formatAmount } from '../../common/money/money';
import { DashboardQuery } from '../dto/report-query.dto';
import { DashboardResponseDto, MonthSpendDto } from '../dto/report-response.dto';
import { ReportAudience, ReportContext } from '../report-audience';
import { REPORTED_STATUSES } from '../report-filter';
import { dashboardPeriod, monthKey, monthRange, shiftMonth, todayIn } from '../report-period';
import { GroupTotal, ReportsRepository } from '../reports.repository';
import { SummaryReport } from './summary-report';

const TOP_CATEGORIES = 5;
const HOUR_MS = 3_600_000;

/**
 * The numbers a finance lead or manager looks at first: what waits for a decision, this month
 * against the last (months of the organization's time zone), how long decisions take, where
 * the money goes and what the policies caught.
 */
@Injectable()
export class DashboardReport {
  constructor(
    private readonly audience: ReportAudience,
    private readonly reports: ReportsRepository,
    private readonly summaries: SummaryReport,
    private readonly sla: SlaSettingsService,
  ) {}

  async execute(actor: Actor, query: DashboardQuery, now: Date = new Date()): Promise<DashboardResponseDto> {
    const context = await this.audience.of(actor);
    const thisMonth = monthKey(todayIn(context.timezone, now));
    const lastMonth = shiftMonth(thisMonth, -1);
    const period = dashboardPeriod(query, thisMonth);
    const { organizationId, scope } = context;

    // One after another: a report never holds more than one pool connection.
    const pending = await this.reports.pending(organizationId, scope);
    const overdue = await this.sla.overdue(organizationId, readsWholeOrganization(actor.role) ? null : actor.userId);
    const months = await this.reports.totals(
      organizationId,
      scope,
      { from: monthRange(lastMonth).from, to: monthRange(thisMonth).to, statuses: REPORTED_STATUSES },
      'month',
    );
    const outcomes = await this.reports.periodOutcomes(organizationId, scope, period, REPORTED_STATUSES);
    const flags = await this.reports.flagCounts(organizationId, scope, period);
    const categories = await this.summaries.fromTotals(
      context,
      { ...period, statuses: REPORTED_STATUSES },
      'category',
      outcomes.byCategory,
    );

    return {
      base_currency: context.baseCurrency,
      timezone: context.timezone,
      period,
      pending_approvals: {
        count: pending.count,
        oldest_submitted_at: pending.oldest?.toISOString() ?? null,
        oldest_age_hours: pending.oldest ? toTenths((now.getTime() - pending.oldest.getTime()) / HOUR_MS) : null,
      },
      overdue_approvals: {
        count: overdue.count,
        oldest_pending_since: overdue.oldestPendingSince?.toISOString() ?? null,
        oldest_age_hours: overdue.oldestPendingSince
          ? toTenths((now.getTime() - overdue.oldestPendingSince.getTime()) / HOUR_MS)
          : null,
        by_approver: overdue.byApprover.map((g) => ({
          approver_user_id: g.userId,
          approver_role: g.role,
          count: g.count,
        })),
      },
      spend_this_month: monthSpend(context, months, thisMonth),
      spend_last_month: monthSpend(context, months, lastMonth),
      avg_approval_hours: outcomes.avgDecisionSeconds === null ? null : toTenths(outcomes.avgDecisionSeconds / 3600),
      top_categories: categories.groups.slice(0, TOP_CATEGORIES).map((group) => ({
        key: group.key,
        label: group.label,
        total: formatAmount(group.totalMinor, context.baseCurrency),
        count: group.count,
      })),
      policy_violations: { blocked: outcomes.blocked, flagged: outcomes.flagged, by_flag: flags },
      generated_at: now.toISOString(),
    };
  }
}

function monthSpend(context: ReportContext, totals: GroupTotal[], month: string): MonthSpendDto {
  const row = totals.find((t) => t.key === month && t.baseCurrency === context.baseCurrency);
  return {
    month,
    ...monthRange(month),
    total: formatAmount(row?.totalMinor ?? 0n, context.baseCurrency),
    count: row?.count ?? 0,
  };
}

function toTenths(value: number): number {
  return Math.round(value * 10) / 10;
}
