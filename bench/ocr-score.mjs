// Scoring and miss classification for bench/ocr.mjs: what counts as right, and why a field
// was missed. Pure functions over the bench's results; the parser's own line reader (from
// dist/) tells whether the truth was readable in the OCR text at all.

export const FIELDS = ['total', 'date', 'merchant', 'currency'];

/**
 * Why a field was missed, in the order they are tested:
 * - label:   the truth file is wrong or arguable (bench/ocr-label-notes.json, judged by eye);
 * - refused: the whole document was judged not a receipt;
 * - ocr:     the true value is in none of the OCR readings (misread, or not printed as text);
 * - choice:  the true value is in an OCR reading, but the parser answered another or nothing
 *            (nothing: often withheld as unsure, see the field's confidence).
 */
export const CLASSES = ['label', 'refused', 'ocr', 'choice'];

const normaliseAmount = (v) =>
  v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v).toFixed(2);
const tokens = (s) =>
  (s ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}&']+/u)
    .filter(Boolean);

/** Total and date exact after normalisation; merchant: at least half its tokens in the answer. */
export function fieldMatches(field, expected, got) {
  if (got === null || got === undefined) return false;
  if (field === 'total')
    return normaliseAmount(expected) !== null && normaliseAmount(expected) === normaliseAmount(got);
  if (field === 'merchant') {
    const want = tokens(expected);
    const have = new Set(tokens(got));
    return want.length > 0 && want.filter((t) => have.has(t)).length * 2 >= want.length;
  }
  return expected === got;
}

/** Could the true value have been read off this OCR text? Uses the parser's own readers. */
export function readableInText(field, truth, text, parser) {
  const lines = parser.toLines(text);
  if (field === 'total') {
    const want = normaliseAmount(truth.total);
    const digits = parser.currencyDigits(truth.currency);
    return lines.some((l) =>
      l.amounts.some((a) =>
        [parser.toMinor(a, digits), parser.toMinor(a, digits, true)].some(
          (minor) => normaliseAmount(digits ? minor / 100 : minor) === want,
        ),
      ),
    );
  }
  if (field === 'date')
    return lines.some((l) => parser.dateCandidates(l.raw, l.index).some((c) => c.iso === truth.date));
  if (field === 'merchant') {
    const raw = lines.map((l) => l.raw);
    return raw.some((_, i) =>
      [1, 2, 3].some((n) => fieldMatches('merchant', truth.merchant, raw.slice(i, i + n).join(' '))),
    );
  }
  return true;
}

/** Per-field right / wrong / empty counts and classified misses of one split. */
export function scoreSplit(results, parser, labelNotes = {}) {
  const receipts = results.filter((r) => r.truth.kind !== 'not_receipt');
  const nonReceipts = results.filter((r) => r.truth.kind === 'not_receipt');
  const fields = Object.fromEntries(
    FIELDS.map((f) => [
      f,
      { right: 0, wrong: 0, empty: 0, classes: Object.fromEntries(CLASSES.map((c) => [c, { wrong: 0, empty: 0 }])) },
    ]),
  );
  const misses = [];
  for (const r of receipts) {
    for (const field of FIELDS) {
      const got = r.extraction[field];
      const stat = fields[field];
      if (fieldMatches(field, r.truth[field], got)) {
        stat.right++;
        continue;
      }
      const kind = got === null || got === undefined ? 'empty' : 'wrong';
      stat[kind]++;
      const note = labelNotes[r.file]?.[field];
      const texts = r.readings?.length ? r.readings.map((x) => x.text) : [r.extraction.raw_text];
      const readable = texts.some((text) => readableInText(field, r.truth, text, parser));
      const cls = note ? 'label' : !r.extraction.is_receipt ? 'refused' : readable ? 'choice' : 'ocr';
      stat.classes[cls][kind]++;
      misses.push({
        file: r.file,
        field,
        expected: r.truth[field],
        got: got ?? null,
        kind,
        cls,
        note: note ?? null,
        confidence: r.extraction.field_confidence?.[field] ?? null,
      });
    }
  }
  const seconds = results.map((r) => r.seconds);
  return {
    receipts: receipts.length,
    nonReceipts: nonReceipts.length,
    fields,
    refusedNonReceipts: nonReceipts.filter((r) => !r.extraction.is_receipt).length,
    refusedReceipts: receipts.filter((r) => !r.extraction.is_receipt).length,
    acceptedNonReceipts: nonReceipts.filter((r) => r.extraction.is_receipt).map((r) => r.file),
    secondLooks: results.filter((r) => (r.readings?.length ?? 0) > 1).length,
    mean: seconds.reduce((a, b) => a + b, 0) / Math.max(1, seconds.length),
    p95: percentile(seconds, 95),
    misses,
  };
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');

/** The split's table: accuracy (right / receipts), wrong and empty, precision (right / answered). */
export function formatSplit(name, score, options) {
  const out = [];
  out.push(
    `== ${name}: ${score.receipts} receipts${score.nonReceipts ? ` + ${score.nonReceipts} non-receipts` : ''} (${options.path})`,
  );
  out.push(`   field      accuracy   right  wrong  empty  precision (right of answered)`);
  for (const field of FIELDS) {
    const f = score.fields[field];
    out.push(
      `   ${field.padEnd(9)}  ${pct(f.right, score.receipts).padStart(7)}  ${String(f.right).padStart(6)} ${String(f.wrong).padStart(6)} ${String(f.empty).padStart(6)}  ${pct(f.right, f.right + f.wrong).padStart(8)}`,
    );
  }
  const refusal = score.nonReceipts ? `non-receipts refused ${score.refusedNonReceipts}/${score.nonReceipts}; ` : '';
  out.push(`   ${refusal}receipts wrongly refused ${score.refusedReceipts}/${score.receipts}`);
  out.push(
    `   seconds per receipt: mean ${score.mean.toFixed(3)}, p95 ${score.p95.toFixed(3)}; CPU ${options.cpuPerFile.toFixed(3)} s per file; wall ${options.wall.toFixed(1)} s with ${options.workers} worker(s); second look on ${score.secondLooks}/${score.receipts + score.nonReceipts}`,
  );
  out.push(`   miss classes (wrong/empty)  ${FIELDS.map((f) => f.padStart(9)).join(' ')}`);
  for (const cls of CLASSES) {
    const cells = FIELDS.map((f) =>
      `${score.fields[f].classes[cls].wrong}/${score.fields[f].classes[cls].empty}`.padStart(9),
    );
    out.push(`     ${cls.padEnd(26)} ${cells.join(' ')}`);
  }
  return out;
}
