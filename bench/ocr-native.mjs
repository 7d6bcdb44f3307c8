// `npm run bench:ocr -- … --native`: the native tesseract CLI against tesseract.js on the same
// prepared images.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fieldMatches, percentile } from './ocr-score.mjs';

/**
 * The native CLI on the very same preprocessed images, one thread (OMP_THREAD_LIMIT=1), same
 * traineddata; preprocessing is timed into both sides. Only images: PDFs with a text layer
 * never reach OCR. The CLI reads the page once, so it is compared with tesseract.js's whole
 * pipeline (which may re-read some lines).
 */
export async function compareWithNative(jsResults, { root, require, log }) {
  const { prepareReceiptImage } = require(join(root, 'dist/src/receipts/ocr/receipt-image.js'));
  const { parseReceipt } = require(join(root, 'dist/src/receipts/ocr/receipt-parser.js'));
  const version = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    log('\n--native: `tesseract` is not on PATH; skipped');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'spendin-ocr-bench-'));
  try {
    const tessdata = join(work, 'tessdata');
    mkdirSync(tessdata);
    const traineddata = join(
      dirname(require.resolve('@tesseract.js-data/eng/package.json')),
      '4.0.0_best_int',
      'eng.traineddata.gz',
    );
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
        const run = spawnSync(
          'tesseract',
          [input, 'stdout', '--tessdata-dir', tessdata, '-l', 'eng', '--oem', '1', '--psm', '6', '--dpi', '300'],
          {
            encoding: 'utf8',
            env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          },
        );
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
    log(
      `  native CLI:   mean ${nativeMean.toFixed(3)} s, p95 ${percentile(nativeSeconds, 95).toFixed(3)} s per receipt (total ${totalsRight}/${receiptsOnly}, date ${datesRight}/${receiptsOnly})`,
    );
    log(`  ratio tesseract.js / native: ${(jsMean / nativeMean).toFixed(2)}×`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
