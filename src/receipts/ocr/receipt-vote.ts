/**
 * The date and the total put to a vote among re-readings of the lines they were read from
 * (`line-variants.ts`). Pure.
 *
 * Measured on SROIE train (124 receipts, each date or total line re-read five ways): a value
 * that at least 3 of the 5 re-readings gave instead of the page's, and more of them than
 * confirmed the page's, was right for 2 of 3 dates and 1 of 2 totals it replaced (two dates and
 * one total fixed, one right date lost); a value with 3 or more confirmations was right 92 of
 * 93 times (dates).
 */
import { dateCandidates } from './receipt-dates';

/** Re-readings that must agree on one other value before it replaces the page's. */
export const VOTES_TO_REPLACE = 3;

/** A line's text and what each of its re-readings read. */
export interface ReRead {
  line: string;
  rereads: string[];
}

const datesOf = (text: string): string[] => [...new Set(dateCandidates(text, 0).map((c) => c.iso))];

/** The last amount with cents printed on a line, as "12.30" (a comma read for the point). */
export function lastAmount(text: string): string | null {
  const match = [...text.matchAll(/(\d{1,6})[.,](\d\d)\b/g)].pop();
  return match ? `${Number(match[1])}.${match[2]}` : null;
}

/** Does this line carry the chosen value (so that its re-readings have a say on it)? */
export function carries(field: 'date' | 'total', line: string, value: string): boolean {
  return field === 'date' ? datesOf(line).includes(value) : lastAmount(line) === value;
}

/**
 * The value the re-readings of the lines carrying `chosen` agree on instead of it, or `chosen`:
 * each re-reading votes once for the page's value when it reads it, once for each other value.
 */
export function vote(field: 'date' | 'total', chosen: string, lines: ReRead[]): string {
  const votes = new Map<string, number>();
  const add = (value: string) => votes.set(value, (votes.get(value) ?? 0) + 1);
  for (const { line, rereads } of lines) {
    const page = field === 'date' ? datesOf(line) : [lastAmount(line)];
    if (!page.includes(chosen)) continue;
    for (const text of rereads) {
      const values = field === 'date' ? datesOf(text) : [lastAmount(text)];
      for (const value of values) if (value !== null && !page.includes(value)) add(value);
      if (values.some((value) => page.includes(value))) add(chosen);
    }
  }
  const confirmed = votes.get(chosen) ?? 0;
  const [best, count] = [...votes.entries()].filter(([v]) => v !== chosen).sort((a, b) => b[1] - a[1])[0] ?? [];
  return best !== undefined && count! >= VOTES_TO_REPLACE && count! > confirmed ? best : chosen;
}
