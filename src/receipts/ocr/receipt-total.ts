/**
 * The receipt's total, chosen among the amounts its total-like lines carry by how well each
 * agrees with the rest of the receipt: what was paid (card, cash less change), the rounding
 * line, the subtotals, the other total lines. Pure.
 */
import { AmountToken, toMinor } from './receipt-amounts';
import { Line } from './receipt-lines';

export interface MoneyContext {
  digits: 0 | 2;
  /** The receipt prints cents on most amounts, so a bare "12804" is more likely 128.04. */
  printsCents: boolean;
  /** Amounts on the receipt carry a "$": a "5" in front of an unmarked one is often that "$". */
  dollarMarked: boolean;
}

export interface TotalFound {
  minor: number;
  /** 0..1 before OCR confidence is applied. */
  confidence: number;
  line: number | null;
}

/**
 * The amount a labelled line carries: its rightmost one (the rightmost with cents, when the
 * currency has cents and the line has such an amount beside bare numbers), or a lone amount on
 * the next line.
 */
export function lineAmount(lines: Line[], line: Line, money?: MoneyContext): { token: AmountToken; line: Line } | null {
  const own = line.amounts.filter((a) => !a.negative);
  const withCents = money?.digits === 2 ? own.filter((a) => a.decimals === 2) : [];
  const pool = withCents.length ? withCents : own;
  if (pool.length) return { token: pool[pool.length - 1], line };
  const next = lines[line.index + 1];
  if (next && next.kind === 'other' && next.amounts.length === 1 && next.label.length <= 3) {
    return { token: next.amounts[0], line: next };
  }
  return null;
}

interface Payments {
  /** Values the payment lines prove were paid: card charges, cash less change. */
  paid: Set<number>;
  /** The cash handed over, when no card paid: the total cannot be more. */
  cashCeiling: number | null;
  /** Cash handed over with no change line: often exactly the total, but not proof of it. */
  cashWithoutChange: number | null;
}

function payments(lines: Line[], money: MoneyContext): Payments {
  const paid = new Set<number>();
  let cash: number | null = null;
  let change: number | null = null;
  let card = false;
  for (const line of lines) {
    const found = lineAmount(lines, line, money);
    if (!found) continue;
    // "Change 010": change is small, and a bare number on a receipt with cents lost its point.
    const pointLost =
      line.kind === 'change' && found.token.decimals === 0 && money.printsCents && found.token.minor < 10_000;
    if (found.token.decimals !== money.digits && !pointLost) continue;
    const minor = toMinor(found.token, money.digits, pointLost);
    if (line.kind === 'card') {
      paid.add(minor);
      card = true;
    }
    if (line.kind === 'cash' && cash === null) cash = minor;
    if (line.kind === 'change' && change === null && cash !== null) change = minor;
  }
  if (cash !== null && change !== null && cash >= change) paid.add(cash - change);
  return {
    paid,
    cashCeiling: cash !== null && !card ? cash : null,
    cashWithoutChange: cash !== null && change === null ? cash : null,
  };
}

interface Candidate {
  minor: number;
  line: number;
  /** 3 grand total, 2 total, 1 weak ("AMOUNT", a rounding line carrying a whole total). */
  base: number;
  implied: boolean;
  /** Printed without cents on a receipt that prints cents ("5:80. 1" read as 1). */
  bare: boolean;
  /** Another amount of money on the same line: a tax summary row, unless it is the grand total. */
  crowded: boolean;
  /**
   * label: printed on a total line; derived: worked out from one (a total and its rounding,
   * "$" read as "5"); paid: what the payment lines say was paid, when no total line says so;
   * subtotal: the subtotal and the tax added to it.
   */
  source: 'label' | 'derived' | 'paid' | 'subtotal';
}

/** Rounding adjustments are less than one unit; a "rounding" line with more carries a total. */
const MAX_ROUNDING = 100;

function valueOf(
  token: AmountToken,
  money: MoneyContext,
  paid: Set<number>,
  cashCeiling: number | null,
): { minor: number; implied: boolean } {
  const whole = toMinor(token, money.digits);
  if (token.decimals === 2 || money.digits === 0) return { minor: whole, implied: false };
  const cents = toMinor(token, money.digits, true);
  // More than the cash handed over as whole units, but not as cents: the point was lost.
  if (cashCeiling !== null && whole > cashCeiling && cents <= cashCeiling && token.minor >= 100)
    return { minor: cents, implied: true };
  if (!money.printsCents) return { minor: whole, implied: false };
  if (paid.has(whole)) return { minor: whole, implied: false };
  if (paid.has(cents) || token.minor >= 100) return { minor: cents, implied: true };
  return { minor: whole, implied: false };
}

function labelledCandidates(lines: Line[], money: MoneyContext, { paid, cashCeiling }: Payments): Candidate[] {
  const out: Candidate[] = [];
  for (const line of lines) {
    let base = line.kind === 'grand-total' ? 3 : line.kind === 'total' ? 2 : line.kind === 'weak-total' ? 1 : 0;
    if (line.kind === 'rounding') base = 1;
    if (!base) continue;
    const found = lineAmount(lines, line, money);
    if (!found) continue;
    const { minor, implied } = valueOf(found.token, money, paid, cashCeiling);
    if (minor <= 0) continue;
    // A "rounding" line carries a total ("Rounded total" misread) only when its amount is as
    // large as what was printed above it; "ROUNDING 4.00" under a 16.00 subtotal is a misread 0.
    if (line.kind === 'rounding' && (minor < MAX_ROUNDING || minor < 0.9 * largestAbove(lines, line, money))) continue;
    const bare = money.printsCents && found.token.decimals === 0 && !implied;
    const crowded =
      found.line === line && line.amounts.filter((a) => a.decimals === money.digits).length >= 2 && base < 3;
    out.push({ minor, line: found.line.index, base, implied, bare, crowded, source: 'label' });
    // "$8.20" read as "58.20": the same amount without its leading 5 is a candidate too.
    const text = String(found.token.minor);
    if (
      money.dollarMarked &&
      !found.token.marker &&
      found.token.decimals === 2 &&
      text.length >= 4 &&
      text.startsWith('5')
    ) {
      out.push({
        minor: Number(text.slice(1)),
        line: found.line.index,
        base,
        implied,
        bare,
        crowded,
        source: 'derived',
      });
    }
  }
  return out;
}

/** The adjustment a rounding line prints ("-0.02", or "02" with its point lost), in minor units. */
function roundingStep(line: Line, money: MoneyContext): { step: number; negative: boolean } | null {
  const token = line.amounts[line.amounts.length - 1];
  if (!token || money.digits === 0) return null;
  const step = token.decimals === 2 || money.printsCents ? token.minor : -1;
  return step > 0 && step < MAX_ROUNDING ? { step, negative: token.negative } : null;
}

/** The largest amount with the currency's decimals on the lines above `line`. */
function largestAbove(lines: Line[], line: Line, money: MoneyContext): number {
  let largest = 0;
  for (const l of lines.slice(0, line.index)) {
    for (const a of l.amounts)
      if (a.decimals === money.digits && !a.negative) largest = Math.max(largest, toMinor(a, money.digits));
  }
  return largest;
}

/**
 * The subtotal, plus the tax printed after it unless the tax line says it is included: what
 * the total comes to when no total line was read. Ranked below every total line.
 */
function subtotalCandidates(lines: Line[], money: MoneyContext): Candidate[] {
  const subtotal = [...lines].reverse().find((l) => l.kind === 'subtotal' && lineAmount(lines, l, money));
  if (!subtotal) return [];
  const found = lineAmount(lines, subtotal, money)!;
  if (found.token.decimals !== money.digits) return [];
  const minor = toMinor(found.token, money.digits);
  const added = lines
    .slice(subtotal.index + 1)
    .filter((l) => l.kind === 'tax' && !/INCL|INCLUSIVE|INCLUDED|TERMASUK/.test(l.label))
    .map((l) => lineAmount(lines, l, money))
    .filter((a): a is NonNullable<typeof a> => a !== null && a.token.decimals === money.digits)
    .reduce((sum, a) => sum + toMinor(a.token, money.digits), 0);
  return [
    {
      minor: minor + added,
      line: subtotal.index,
      base: 1,
      implied: false,
      bare: false,
      crowded: false,
      source: 'subtotal',
    },
  ];
}

/** Rounding lines: each total just before one also stands for itself rounded, up or down. */
function roundedCandidates(lines: Line[], money: MoneyContext, labelled: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const line of lines) {
    if (line.kind !== 'rounding') continue;
    const rounding = roundingStep(line, money);
    if (!rounding) continue;
    const { step } = rounding;
    const before = labelled.filter((c) => c.line < line.index && line.index - c.line <= 3 && c.source === 'label');
    for (const c of before) {
      const signs = rounding.negative ? [-1] : [1, -1];
      for (const sign of signs) out.push({ ...c, minor: c.minor + sign * step, line: line.index, source: 'derived' });
    }
  }
  return out;
}

/**
 * The best-supported total. Each candidate scores its label, then what agrees with it (a
 * payment of that amount, the same amount on another total line, a total at least the
 * subtotal) and what speaks against it (more than the cash handed over, a rounding line still
 * to come, a row of a tax summary, after the change). Confidence follows the same evidence: a
 * total that the payments contradict is reported unsure.
 */
export function chooseTotal(lines: Line[], money: MoneyContext): TotalFound | null {
  const paying = payments(lines, money);
  const { paid, cashCeiling, cashWithoutChange } = paying;
  const subtotals = lines
    .filter((l) => l.kind === 'subtotal')
    .map((l) => lineAmount(lines, l, money))
    .filter((a): a is NonNullable<typeof a> => a !== null)
    .map((a) => toMinor(a.token, money.digits));
  const discounted = lines.some(
    (l) => /DISC|REBATE|VOUCHER|COUPON|PROMO|SAVING|MEMBER/.test(l.label) && l.amounts.some((a) => a.minor > 0),
  );
  const roundingLines = lines.filter((l) => l.kind === 'rounding' && roundingStep(l, money) !== null);
  // A total may sit a few cents under the subtotal when the receipt rounds cash.
  const tolerance = lines.some((l) => l.kind === 'rounding') ? MAX_ROUNDING / 20 : 0;
  const firstChange = lines.find((l) => l.kind === 'change')?.index ?? Infinity;
  const labelled = labelledCandidates(lines, money, paying);
  const candidates = [...labelled, ...roundedCandidates(lines, money, labelled), ...subtotalCandidates(lines, money)];
  // Paid, but printed on no total line that OCR read: the payment is a candidate of its own,
  // below a grand or plain total line (cash and change are misread as often as totals).
  const paidLine = lines.find((l) => l.kind === 'change' || l.kind === 'card')?.index ?? lines.length - 1;
  for (const minor of paid) {
    if (!candidates.some((c) => c.minor === minor))
      candidates.push({
        minor,
        line: paidLine,
        base: 1.75,
        implied: false,
        bare: false,
        crowded: false,
        source: 'paid',
      });
  }

  let best: { c: Candidate; score: number; agreed: boolean } | null = null;
  for (const c of candidates) {
    if (c.minor <= 0) continue;
    const printedElsewhere = labelled.filter((o) => o.minor === c.minor && o.line !== c.line).length;
    const isPaid = c.source !== 'paid' && paid.has(c.minor);
    const cashMatches = cashWithoutChange === c.minor;
    const derived = c.source === 'derived';
    // Cash rounding (to 5 cents) turned an odd total into a round one.
    const roundsToFive = derived && c.minor % 5 === 0 && roundingLines.some((r) => r.index === c.line);
    // A derived value counts only when something on the receipt confirms it.
    if (derived && !isPaid && !printedElsewhere && !cashMatches && !roundsToFive) continue;
    let score = c.base;
    if (isPaid) score += 1.5;
    if (cashMatches) score += 0.5;
    score += Math.min(1, printedElsewhere * 0.5);
    if (subtotals.some((s) => c.minor >= s - tolerance)) score += 0.25;
    if (subtotals.length && !discounted && subtotals.every((s) => c.minor < s - tolerance)) score -= 1;
    if (cashCeiling !== null && c.minor > cashCeiling) score -= 1.5;
    if (c.source === 'label' && roundingLines.some((r) => r.index > c.line && r.index - c.line <= 3)) score -= 0.75;
    if (c.crowded) score -= 1.5;
    if (c.line > firstChange && c.source !== 'paid') score -= 0.75;
    if (c.implied) score -= 0.5;
    if (c.bare) score -= 1;
    // Later totals come after rounding and adjustments.
    score += c.line / (lines.length * 10);
    if (!best || score > best.score)
      best = { c, score, agreed: isPaid || printedElsewhere > 0 || cashMatches || subtotals.includes(c.minor) };
  }
  if (!best) return largestAmount(lines, money);
  const { c, agreed } = best;
  let confidence = c.source === 'paid' ? 0.7 : c.base === 3 ? 0.9 : c.base === 2 ? 0.82 : 0.6;
  if (agreed) confidence = Math.min(0.97, confidence + 0.08);
  // The payments say another amount was paid, or a total line says another: one is misread.
  const paidOther = c.source !== 'paid' && paid.size > 0 && !paid.has(c.minor);
  if (paidOther) confidence *= 0.75;
  if (c.source === 'paid' && labelled.some((o) => o.base >= 2)) confidence *= 0.75;
  // (More than the cash handed over: the same contradiction when the change was read too.)
  else if (!paidOther && cashCeiling !== null && c.minor > cashCeiling) confidence *= 0.6;
  // A number whose point OCR lost is a guess, unless the receipt confirms it elsewhere.
  if (c.implied || c.bare) confidence *= agreed ? 0.85 : c.bare ? 0.5 : 0.75;
  return { minor: c.minor, confidence, line: c.source === 'paid' ? null : c.line };
}

/**
 * No total label survived OCR: the largest amount that is not cash handed over, but only on
 * something shaped like a receipt (several priced lines). A guess, and reported as one.
 */
function largestAmount(lines: Line[], money: MoneyContext): TotalFound | null {
  const priced = lines.filter((l) =>
    l.amounts.some((a) => a.decimals === money.digits && (money.digits === 2 || a.grouped || a.marker)),
  );
  if (priced.length < 3) return null;
  let best: TotalFound | null = null;
  for (const line of priced) {
    if (line.kind === 'cash' || line.kind === 'change') continue;
    for (const token of line.amounts) {
      if (token.decimals !== money.digits || token.negative) continue;
      const minor = toMinor(token, money.digits);
      if (!best || minor > best.minor) best = { minor, confidence: 0.35, line: line.index };
    }
  }
  return best;
}
