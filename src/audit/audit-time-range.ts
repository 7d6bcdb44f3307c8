import { isCalendarDate } from '../common/dates';

/**
 * `from`/`to` of the audit log's filters: a calendar date (`2026-03-01`, a whole UTC day) or a
 * date-time with its offset (`2026-03-01T09:30:00.000+01:00`). Both bounds are inclusive; a
 * date-time without an offset is refused because it names no instant. At most millisecond
 * precision, which is what `created_at` stores, so "inclusive" is exact.
 */
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function isAuditInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (isCalendarDate(value)) return true;
  const match = DATE_TIME.exec(value);
  return match !== null && isCalendarDate(match[1]) && !Number.isNaN(Date.parse(value));
}

/** `created_at >= from AND created_at < before`: the inclusive bounds as a half-open range. */
export interface InstantRange {
  from?: Date;
  before?: Date;
}

const DAY_MS = 86_400_000;

export function instantRange(from?: string, to?: string): InstantRange {
  return {
    from: from === undefined ? undefined : new Date(startOf(from)),
    before: to === undefined ? undefined : new Date(endOf(to)),
  };
}

function startOf(value: string): number {
  return isCalendarDate(value) ? Date.parse(`${value}T00:00:00.000Z`) : Date.parse(value);
}

/** Just past the bound: a whole day up to its last millisecond, a date-time up to and including its millisecond. */
function endOf(value: string): number {
  return isCalendarDate(value) ? startOf(value) + DAY_MS : Date.parse(value) + 1;
}
