#!/usr/bin/env node
// Accuracy and speed of receipt extraction (OCR + parser, exactly what the app runs, from dist/)
// on folders of receipts with truth files: each NNN.<jpg|png|webp|pdf> has NNN.json beside it
// ({ merchant, date, total, currency } or { kind: "not_receipt" }).
//
//   npm run bench:ocr                                  # every split in ../shared/data/receipts/
//   npm run bench:ocr -- <dir> [<dir> …] [--raw] [--dump <dir>] [--native]
//     --raw         print the OCR text of every receipt with a miss (development splits only)
//     --dump <dir>  write each receipt's extraction as JSON to <dir>/<split>/ (development splits only)
//     --native      also time the native `tesseract` CLI on the same prepared images (1 worker)
//   OCR_WORKERS=1 npm run bench:ocr                    # pool size (default: CPU count)
//   OCR_BENCH_HOLDOUT=sroie,other                      # splits that only ever print aggregates
//
// Per split: accuracy, wrong and empty answers per field, misses by class (see ocr-score.mjs),
// seconds per receipt. A split named in OCR_BENCH_HOLDOUT (default: `sroie`, the validation
// split) never prints its per-receipt misses or texts, so nobody tunes on it by accident.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareWithNative } from './ocr-native.mjs';
import { FIELDS, formatSplit, pct, scoreSplit } from './ocr-score.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const OCR_DIST = join(ROOT, 'dist/src/receipts/ocr');
const { OcrEngine } = require(join(OCR_DIST, 'ocr-engine.js'));
const { ReceiptReader } = require(join(OCR_DIST, 'receipt-reader.js'));
const parser = {
  ...require(join(OCR_DIST, 'receipt-lines.js')),
  ...require(join(OCR_DIST, 'receipt-amounts.js')),
  ...require(join(OCR_DIST, 'receipt-dates.js')),
};
/** Truth labels judged wrong or arguable by looking at the receipt (development splits only). */
const LABEL_NOTES = JSON.parse(readFileSync(join(ROOT, 'bench/ocr-label-notes.json'), 'utf8'));

const MIME = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
};
const log = (line = '') => process.stdout.write(`${line}\n`);

const args = process.argv.slice(2);
const dumpAt = args.indexOf('--dump');
const dumpDir = dumpAt >= 0 ? args[dumpAt + 1] : null;
const flags = new Set(args.filter((a) => a.startsWith('--')));
const holdout = new Set(
  (process.env.OCR_BENCH_HOLDOUT ?? 'sroie')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
let dirs = args.filter((a, i) => !a.startsWith('--') && (dumpAt < 0 || i !== dumpAt + 1));
if (!dirs.length) {
  // OCR_BENCH_DATA: a folder of split folders. The receipt sets are research data that may not be
  // redistributed, so they are not in the repository; the project keeps them beside the checkout.
  const shared = resolve(ROOT, process.env.OCR_BENCH_DATA ?? '../shared/data/receipts');
  dirs = existsSync(shared)
    ? readdirSync(shared)
        .map((d) => join(shared, d))
        .filter((d) => statSync(d).isDirectory())
        .sort()
    : [];
}
const missing = dirs.filter((d) => !existsSync(d));
if (!dirs.length || missing.length) {
  log(
    `usage: npm run bench:ocr -- [<dir with receipts and .json truth files> …] [--raw] [--dump <dir>] [--native]${missing.length ? `\nnot found: ${missing.join(', ')}` : ''}`,
  );
  process.exit(2);
}
const native = flags.has('--native');
const workers = native ? 1 : Number(process.env.OCR_WORKERS ?? availableParallelism());

function casesOf(dir) {
  return readdirSync(dir)
    .filter((f) => MIME[extname(f).toLowerCase()])
    .sort()
    .map((file) => {
      const truthFile = join(dir, file.replace(/\.[^.]+$/, '.json'));
      return {
        file,
        path: join(dir, file),
        mime: MIME[extname(file).toLowerCase()],
        truth: existsSync(truthFile) ? JSON.parse(readFileSync(truthFile, 'utf8')) : null,
      };
    })
    .filter((c) => c.truth);
}

async function runPool(items, size, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const engine = new OcrEngine({ receipts: { ocrWorkers: workers } });
const reader = new ReceiptReader(engine);
const poolStart = Date.now();
// Start the pool before timing receipts (the app pays this once, on its first receipt).
await engine['workers']();
// Seconds per receipt depend on what else the machine runs: the load is printed with them.
log(
  `OCR bench: ${dirs.length} split(s), ${workers} worker(s), pool started in ${((Date.now() - poolStart) / 1000).toFixed(2)} s; load average ${loadavg()[0].toFixed(2)}; holdout (aggregates only): ${[...holdout].join(', ') || 'none'}`,
);

const splits = [];
for (const dir of dirs) {
  const name = basename(resolve(dir));
  const cases = casesOf(dir);
  const results = [];
  const wallStart = Date.now();
  // CPU time of the whole process (tesseract.js workers are threads of it): unlike the seconds
  // per receipt, it hardly changes with what else the machine runs.
  const cpuStart = process.cpuUsage();
  await runPool(cases, workers, async (c) => {
    const started = process.hrtime.bigint();
    let extraction;
    let readings = [];
    let error = null;
    try {
      ({ extraction, readings } = await reader.extractWithReadings(readFileSync(c.path), c.mime));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      extraction = {
        is_receipt: false,
        merchant: null,
        date: null,
        total: null,
        currency: null,
        tax: null,
        confidence: 0,
        field_confidence: {},
        raw_text: '',
      };
    }
    results.push({ ...c, extraction, readings, error, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
  });
  const wall = (Date.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuPerFile = (cpu.user + cpu.system) / 1e6 / Math.max(1, cases.length);
  results.sort((a, b) => a.file.localeCompare(b.file));
  const score = scoreSplit(results, parser, holdout.has(name) ? {} : (LABEL_NOTES[name] ?? {}));
  splits.push({ name, dir, results, score, wall, cpuPerFile });
  report({ name, dir, results, score, wall, cpuPerFile });
}
await engine.terminate();

function report({ name, dir, results, score, wall, cpuPerFile }) {
  log();
  for (const line of formatSplit(name, score, { path: resolve(dir), wall, workers, cpuPerFile })) log(line);
  for (const r of results) if (r.error) log(`   error ${r.file}: ${r.error}`);
  if (holdout.has(name)) {
    if (score.acceptedNonReceipts.length) log(`   non-receipts accepted: ${score.acceptedNonReceipts.length}`);
    return;
  }
  for (const file of score.acceptedNonReceipts) log(`   accepted non-receipt ${file}`);
  if (score.misses.length)
    log(`   misses (${score.misses.length}): file field class kind expected → got (field confidence)`);
  for (const m of score.misses) {
    log(
      `     ${m.file} ${m.field.padEnd(8)} ${m.cls.padEnd(7)} ${m.kind.padEnd(5)} ${JSON.stringify(m.expected)} → ${JSON.stringify(m.got)} (${m.confidence ?? '–'})${m.note ? `  [${m.note}]` : ''}`,
    );
  }
  if (flags.has('--raw')) {
    for (const file of new Set(score.misses.map((m) => m.file))) {
      const r = results.find((x) => x.file === file);
      r.readings.forEach((reading, i) =>
        log(
          `\n----- ${name}/${file} reading ${i + 1} (OCR confidence ${reading.confidence.toFixed(2)}) -----\n${reading.text}`,
        ),
      );
    }
  }
  if (dumpDir) {
    const out = join(dumpDir, name);
    mkdirSync(out, { recursive: true });
    for (const r of results)
      writeFileSync(
        join(out, `${r.file}.json`),
        JSON.stringify({ truth: r.truth, extraction: r.extraction, readings: r.readings, seconds: r.seconds }, null, 2),
      );
  }
}

log('\n== summary: accuracy (wrong/empty) per field; seconds per receipt');
log(`   ${'split'.padEnd(14)} ${FIELDS.map((f) => f.padEnd(17)).join(' ')} non-receipts  mean s  p95 s  CPU s`);
for (const { name, score, cpuPerFile } of splits) {
  const cells = FIELDS.map((f) =>
    `${pct(score.fields[f].right, score.receipts)} (${score.fields[f].wrong}/${score.fields[f].empty})`.padEnd(17),
  );
  const refusal = score.nonReceipts ? `${score.refusedNonReceipts}/${score.nonReceipts}` : '–';
  log(
    `   ${name.padEnd(14)} ${cells.join(' ')} ${refusal.padEnd(12)}  ${score.mean.toFixed(3)}  ${score.p95.toFixed(3)}  ${cpuPerFile.toFixed(3)}`,
  );
}

log(`   load average at the end: ${loadavg()[0].toFixed(2)}`);

if (native)
  await compareWithNative(
    splits.flatMap((s) => s.results),
    { root: ROOT, require, log },
  );
