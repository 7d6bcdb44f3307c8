/**
 * Calendar arithmetic for reports: "this month" in the organization's time zone, month
 * bounds, month keys. Spends are dated by `spend_date` (a calendar date), so a month is a
 * pair of inclusive dates. Pure: no Nest, no TypeORM.
 */

/** Inclusive calendar-date bounds, `YYYY-MM-DD`. */
export interface DateRange {
  from: string;
  to: string;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Today's date in an IANA time zone (`Europe/Berlin`); an unknown zone falls back to UTC. */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** `2026-03` for any date in March 2026. */
export function monthKey(date: string): string {
  return date.slice(0, 7);
}

/** The whole calendar month of a month key (`2026-02` → 2026-02-01 … 2026-02-28). */
export function monthRange(key: string): DateRange {
  const [year, month] = key.split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { from: `${key}-01`, to: `${key}-${String(last).padStart(2, '0')}` };
}

/** The month key `offset` months after (negative: before) the given one. */
export function shiftMonth(key: string, offset: number): string {
  const [year, month] = key.split('-').map(Number);
  const index = year * 12 + (month - 1) + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month key from the month of `from` to the month of `to`, both included. */
export function monthsOf(range: DateRange): string[] {
  const keys: string[] = [];
  for (let key = monthKey(range.from); key <= monthKey(range.to); key = shiftMonth(key, 1)) keys.push(key);
  return keys;
}

/** `March 2026`; `short`: `Mar 2026`. */
export function monthLabel(key: string, short = false): string {
  const [year, month] = key.split('-').map(Number);
  const name = MONTH_NAMES[month - 1];
  return `${short ? name.slice(0, 3) : name} ${year}`;
}

/** `1 Mar 2026 – 31 Mar 2026`, or `all time` when both bounds are open. */
export function describeRange(range: Partial<DateRange>): string {
  const day = (date: string) =>
    `${Number(date.slice(8, 10))} ${MONTH_NAMES[Number(date.slice(5, 7)) - 1].slice(0, 3)} ${date.slice(0, 4)}`;
  if (range.from && range.to)
    return range.from === range.to ? day(range.from) : `${day(range.from)} – ${day(range.to)}`;
  if (range.from) return `from ${day(range.from)}`;
  if (range.to) return `until ${day(range.to)}`;
  return 'all time';
}

/**
 * `from`/`to` when given; without them the twelve months up to this one. A missing end is
 * this month's last day, a missing start eleven months before `to`'s month.
 */
export function chartPeriod(query: { from?: string; to?: string }, thisMonth: string): DateRange {
  const to =
    query.to ??
    (query.from && query.from > monthRange(thisMonth).to
      ? monthRange(monthKey(query.from)).to
      : monthRange(thisMonth).to);
  const from = query.from ?? monthRange(shiftMonth(monthKey(to), -11)).from;
  return { from, to };
}

/** `from`/`to` when given (the missing end taken from this month or `to`'s month), else this month. */
export function dashboardPeriod(query: { from?: string; to?: string }, thisMonth: string): DateRange {
  const month = monthRange(thisMonth);
  if (query.from && query.to) return { from: query.from, to: query.to };
  if (query.to) return { from: monthRange(monthKey(query.to)).from, to: query.to };
  if (query.from)
    return { from: query.from, to: query.from > month.to ? monthRange(monthKey(query.from)).to : month.to };
  return month;
}
