import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { formatAmount } from '../../common/money/money';
import { Bar, groupDigits, renderBarChart } from '../chart/bar-chart';
import { ChartQuery } from '../dto/report-query.dto';
import { ReportAudience } from '../report-audience';
import { REPORTED_STATUSES, reportFilter } from '../report-filter';
import { chartPeriod, describeRange, monthKey, monthLabel, monthsOf, todayIn } from '../report-period';
import { SummaryGroup, SummaryReport } from './summary-report';

/** A month chart of more bars than this is a wall of slivers; ask for a shorter period. */
export const MAX_CHART_MONTHS = 60;
/** Categories drawn one by one; the rest share an "Other" bar. */
const MAX_CATEGORY_BARS = 12;

/**
 * Spend per month or per category as a PNG bar chart: the summary report drawn as SVG and
 * rendered by sharp (librsvg), with the period and currency in the title and every bar's
 * exact amount written on it.
 */
@Injectable()
export class ChartReport {
  constructor(
    private readonly audience: ReportAudience,
    private readonly summaries: SummaryReport,
  ) {}

  async execute(actor: Actor, query: ChartQuery): Promise<Buffer> {
    const context = await this.audience.of(actor);
    const range = chartPeriod(query, monthKey(todayIn(context.timezone)));
    const months = monthsOf(range);
    if (query.group_by === 'month' && months.length > MAX_CHART_MONTHS) {
      throw CommonErrors.VALIDATION_FAILED('1 field failed validation', {
        errors: [
          {
            field: 'from',
            message: `a month chart covers ${MAX_CHART_MONTHS} months at most; this period has ${months.length}`,
          },
        ],
      });
    }
    const filter = { ...reportFilter(query), ...range };
    const summary = await this.summaries.build(context, filter, query.group_by);
    const currency = summary.baseCurrency;
    const bar = (label: string, minor: bigint): Bar => {
      const amount = formatAmount(minor, currency);
      return { label, value: Number(amount), display: groupDigits(amount) };
    };
    const bars =
      query.group_by === 'month'
        ? months.map((key) => bar(monthLabel(key, true), summary.groups.find((g) => g.key === key)?.totalMinor ?? 0n))
        : categoryBars(summary.groups).map((group) => bar(group.label, group.totalMinor));
    const statuses =
      filter.statuses.join(',') === REPORTED_STATUSES.join(',')
        ? ''
        : ` · ${filter.statuses.map((s) => s.replace(/_/g, ' ')).join(', ')}`;
    const svg = renderBarChart({
      title: `Spend per ${query.group_by}, ${describeRange(range)} (${currency})`,
      subtitle: `Total ${currency} ${groupDigits(formatAmount(summary.totalMinor, currency))} across ${summary.count.toLocaleString('en-US')} spend${summary.count === 1 ? '' : 's'}${statuses}`,
      orientation: query.group_by === 'month' ? 'columns' : 'rows',
      bars,
      emptyMessage: 'No spends in this period',
    });
    return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
  }
}

/** The largest categories, the rest summed into one "Other" bar. */
function categoryBars(groups: SummaryGroup[]): SummaryGroup[] {
  if (groups.length <= MAX_CATEGORY_BARS) return groups;
  const rest = groups.slice(MAX_CATEGORY_BARS - 1);
  return [
    ...groups.slice(0, MAX_CATEGORY_BARS - 1),
    {
      key: null,
      label: `Other (${rest.length} categories)`,
      totalMinor: rest.reduce((sum, g) => sum + g.totalMinor, 0n),
      count: rest.reduce((sum, g) => sum + g.count, 0),
    },
  ];
}
