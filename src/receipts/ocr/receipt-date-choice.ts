/**
 * Which of the dates on a receipt is the date of the sale. Pure.
 */
import { DateCandidate, DateOrder, findDates, findDigitRunDates, printedOrder } from './receipt-dates';
import type { Line } from './receipt-lines';

export interface DateFound {
  iso: string;
  /** 0..1 before OCR confidence is applied. */
  confidence: number;
}

const DAY_MS = 86_400_000;

/**
 * Scores each candidate by what makes a date the sale's: a label, a time printed beside it,
 * an unambiguous form, the same date printed twice; and drops what no sale date can be: a day
 * after `reference` (when the receipt was received). Two different dates that score alike
 * make the answer unsure, which the confidence says.
 */
export function chooseDate(lines: Line[], currency: string | null, reference?: string): DateFound | null {
  const order: DateOrder = printedOrder(lines.map((l) => l.raw)) ?? (currency === 'USD' ? 'month-first' : 'day-first');
  let candidates: DateCandidate[] = lines.flatMap((l) => findDates(l.raw, l.index, order));
  let guessed = false;
  if (!candidates.length) {
    candidates = lines.flatMap((l) => findDigitRunDates(l.raw, l.index, order));
    guessed = true;
  }
  const latest = reference ? Date.parse(reference) + DAY_MS : Infinity;
  const plausible = candidates.filter((c) => Date.parse(c.iso) <= latest);
  if (!plausible.length) return null;

  const scored = plausible.map((c) => {
    const repeats = new Set(plausible.filter((o) => o.iso === c.iso).map((o) => o.line)).size - 1;
    let score =
      (c.labelled ? 2 : 0) + (c.unambiguous ? 1 : 0) + (c.timed ? 1 : 0) + Math.min(1, repeats * 0.5) - c.line / 1000;
    if (c.terse && !c.labelled && !c.timed) score -= 1;
    return { c, score, repeats };
  });
  scored.sort((a, b) => b.score - a.score);
  const { c, score, repeats } = scored[0];
  let confidence = (c.labelled || c.timed ? 0.9 : 0.75) * (c.unambiguous ? 1 : 0.85) * (guessed ? 0.6 : 1);
  if (repeats) confidence = Math.min(0.97, confidence + 0.05);
  if (c.terse && !c.labelled && !c.timed) confidence *= 0.6;
  // Another date nearly as likely: one of the two is misread, and nothing says which.
  const rival = scored.find((s) => s.c.iso !== c.iso);
  if (rival && score - rival.score < 0.5) confidence *= 0.6;
  return { iso: c.iso, confidence };
}
