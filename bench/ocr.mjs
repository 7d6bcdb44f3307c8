#!/usr/bin/env node
// Accuracy and speed of receipt extraction (OCR + parser) on a folder of receipts with truth
// files: each NNN.<jpg|png|webp|pdf> has NNN.json beside it ({ merchant, date, total, currency }
// or { kind: "not_receipt" }). Runs the compiled code in dist/, like the app does.
//
//   npm run bench:ocr -- <dir> [--raw] [--native]
//     --raw      print the OCR text of every receipt with a miss
//     --native   also time the native `tesseract` CLI (single-threaded, same preprocessed
//                images, same traineddata) and print the ratio; uses 1 worker for both
//   OCR_WORKERS=1 npm run bench:ocr -- <dir>   # pool size (default: CPU count)
//
// Scoring: total and date exact after normalisation; merchant matches when at least half of its
// tokens (case-insensitive) appear in the answer; currency exact; not_receipt files must come
// back with is_receipt=false.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const OCR_DIST = join(ROOT, 'dist/src/receipts/ocr');
const { OcrEngine } = require(join(OCR_DIST, 'ocr-engine.js'));
const { parseReceipt } = require(join(OCR_DIST, 'receipt-parser.js'));
const { prepareReceiptImage } = require(join(OCR_DIST, 'receipt-image.js'));

const MIME = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.pdf': 'application/pdf' };
const FIELDS = ['total', 'date', 'merchant', 'currency'];
const log = (line = '') => process.stdout.write(`${line}\n`);

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const dir = args.find((a) => !a.startsWith('--'));
if (!dir || !existsSync(dir)) {
  log('usage: npm run bench:ocr -- <dir with receipts and .json truth files> [--raw] [--native]');
  process.exit(2);
}
const native = flags.has('--native');
const workers = native ? 1 : Number(process.env.OCR_WORKERS ?? availableParallelism());

const cases = readdirSync(dir)
  .filter((f) => MIME[extname(f).toLowerCase()])
  .sort()
  .map((file) => {
    const truthFile = join(dir, file.replace(/\.[^.]+$/, '.json'));
    return { file, path: join(dir, file), mime: MIME[extname(file).toLowerCase()], truth: existsSync(truthFile) ? JSON.parse(readFileSync(truthFile, 'utf8')) : null };
  })
  .filter((c) => c.truth);

const normaliseAmount = (v) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v).toFixed(2));
const tokens = (s) => (s ?? '').toLowerCase().split(/[^\p{L}\p{N}&']+/u).filter(Boolean);
function fieldMatches(field, expected, got) {
  if (field === 'total') return normaliseAmount(expected) !== null && normaliseAmount(expected) === normaliseAmount(got);
  if (field === 'merchant') {
    const want = tokens(expected);
    const have = new Set(tokens(got));
    return want.length > 0 && want.filter((t) => have.has(t)).length * 2 >= want.length;
  }
  return expected === got;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function runPool(items, size, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const engine = new OcrEngine({ receipts: { ocrWorkers: workers } });
const poolStart = Date.now();
// Start the pool before timing receipts (the app pays this once, on its first receipt).
await engine['scheduler']();
log(`OCR bench: ${cases.length} files in ${resolve(dir)}, ${workers} worker(s), pool started in ${((Date.now() - poolStart) / 1000).toFixed(2)} s`);

const results = [];
const wallStart = Date.now();
await runPool(cases, workers, async (c) => {
  const started = process.hrtime.bigint();
  let reading = { text: '', confidence: 0 };
  let error = null;
  try {
    reading = await engine.read(readFileSync(c.path), c.mime);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const extraction = parseReceipt(reading.text, { wordConfidence: reading.confidence });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  results.push({ ...c, extraction, seconds, error, ocrConfidence: reading.confidence });
});
const wall = (Date.now() - wallStart) / 1000;
await engine.terminate();
results.sort((a, b) => a.file.localeCompare(b.file));

const receipts = results.filter((r) => r.truth.kind !== 'not_receipt');
const notReceipts = results.filter((r) => r.truth.kind === 'not_receipt');
const misses = [];
const correct = Object.fromEntries(FIELDS.map((f) => [f, 0]));
for (const r of receipts) {
  for (const field of FIELDS) {
    const got = r.extraction[field];
    if (fieldMatches(field, r.truth[field], got)) correct[field]++;
    else misses.push({ file: r.file, field, expected: r.truth[field], got });
  }
}
const rejected = notReceipts.filter((r) => !r.extraction.is_receipt).length;
for (const r of notReceipts) if (r.extraction.is_receipt) misses.push({ file: r.file, field: 'is_receipt', expected: false, got: true });
const falselyRejected = receipts.filter((r) => !r.extraction.is_receipt).length;
const seconds = results.map((r) => r.seconds);
const mean = seconds.reduce((a, b) => a + b, 0) / Math.max(1, seconds.length);
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');

log();
for (const field of FIELDS) log(`${field.padEnd(10)} ${String(correct[field]).padStart(3)}/${receipts.length}  ${pct(correct[field], receipts.length)}`);
log(`not-receipts rejected: ${rejected}/${notReceipts.length}; receipts wrongly rejected: ${falselyRejected}/${receipts.length}`);
log(`seconds per receipt: mean ${mean.toFixed(3)}, p95 ${percentile(seconds, 95).toFixed(3)}; wall ${wall.toFixed(1)} s (${(wall / Math.max(1, results.length)).toFixed(3)} s/receipt throughput)`);
for (const r of results) if (r.error) log(`error ${r.file}: ${r.error}`);
if (misses.length) {
  log();
  log(`misses (${misses.length}):`);
  for (const m of misses) log(`  ${m.file}  ${m.field.padEnd(10)} expected ${JSON.stringify(m.expected)}  got ${JSON.stringify(m.got)}`);
}
if (flags.has('--raw')) {
  for (const file of new Set(misses.map((m) => m.file))) {
    const r = results.find((x) => x.file === file);
    log();
    log(`----- ${file} (OCR confidence ${r.ocrConfidence.toFixed(2)}) -----`);
    log(r.extraction.raw_text);
  }
}

if (native) await compareWithNative(results);

/**
 * The native CLI on the very same preprocessed images, one thread (OMP_THREAD_LIMIT=1), same
 * traineddata; preprocessing is timed into both sides. Only images: PDFs with a text layer
 * never reach OCR.
 */
async function compareWithNative(jsResults) {
  const version = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    log('\n--native: `tesseract` is not on PATH; skipped');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'spendin-ocr-bench-'));
  try {
    const tessdata = join(work, 'tessdata');
    mkdirSync(tessdata);
    const traineddata = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int', 'eng.traineddata.gz');
    writeFileSync(join(tessdata, 'eng.traineddata'), gunzipSync(readFileSync(traineddata)));
    const images = jsResults.filter((r) => r.mime !== 'application/pdf');
    const nativeSeconds = [];
    let totalsRight = 0;
    let datesRight = 0;
    for (const r of images) {
      const started = process.hrtime.bigint();
      const prepared = await prepareReceiptImage(readFileSync(r.path));
      let text = '';
      if (prepared) {
        const input = join(work, 'page.pgm');
        writeFileSync(input, prepared.pgm);
        const run = spawnSync('tesseract', [input, 'stdout', '--tessdata-dir', tessdata, '-l', 'eng', '--oem', '1', '--psm', '6', '--dpi', '300'], {
          encoding: 'utf8',
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        });
        text = run.stdout ?? '';
      }
      const extraction = parseReceipt(text);
      nativeSeconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (r.truth.kind !== 'not_receipt') {
        if (fieldMatches('total', r.truth.total, extraction.total)) totalsRight++;
        if (fieldMatches('date', r.truth.date, extraction.date)) datesRight++;
      }
    }
    const jsSeconds = images.map((r) => r.seconds);
    const jsMean = jsSeconds.reduce((a, b) => a + b, 0) / Math.max(1, jsSeconds.length);
    const nativeMean = nativeSeconds.reduce((a, b) => a + b, 0) / Math.max(1, nativeSeconds.length);
    const receiptsOnly = images.filter((r) => r.truth.kind !== 'not_receipt').length;
    log();
    log(`native comparison (${images.length} images, 1 thread each, ${version.stdout.split('\n')[0]}):`);
    log(`  tesseract.js: mean ${jsMean.toFixed(3)} s, p95 ${percentile(jsSeconds, 95).toFixed(3)} s per receipt`);
    log(`  native CLI:   mean ${nativeMean.toFixed(3)} s, p95 ${percentile(nativeSeconds, 95).toFixed(3)} s per receipt (total ${totalsRight}/${receiptsOnly}, date ${datesRight}/${receiptsOnly})`);
    log(`  ratio tesseract.js / native: ${(jsMean / nativeMean).toFixed(2)}×`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
