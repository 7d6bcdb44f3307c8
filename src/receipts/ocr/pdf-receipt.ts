import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OcrFailure } from './ocr-failure';
import { RenderLimits, renderSize } from './pdf-render-size';

/** What a PDF offers OCR: its text layer, or (when it has none) its first page as a PNG. */
export interface PdfContent {
  text: string | null;
  pageImage: Buffer | null;
}

/** Fewer printable characters than this and the "text layer" is a scan's stray label. */
const MIN_TEXT_LAYER = 20;
/**
 * A text-less page is rendered 2000 px wide (small print on a full page stays legible), but
 * never past 12 megapixels nor 16,384 px a side, whatever its MediaBox says: the canvas is
 * native memory, outside the worker's heap limit, and a 333×44,000-point page rendered as asked
 * was 2000×264,000 px and 4 GB. At the cap a page is shrunk to fit (a till roll 4 m long comes
 * out 327×16,384).
 */
export const RENDER_LIMITS: RenderLimits = { width: 2000, maxScale: 6, maxPixels: 12_000_000, maxSide: 16_384 };
/** Embedded images past this are skipped rather than decoded: the limit for uploaded images (file-inspection.ts). */
const MAX_IMAGE_PIXELS = 50_000_000;
const TIMEOUT_MS = 30_000;

/**
 * pdf.js runs in a worker thread of its own, one per document:
 * - pdfjs-dist is ESM-only and this code compiles to CommonJS. A real `import()` is needed;
 *   TypeScript keeps one under nodenext, but Jest (through SWC) turns it into `require()`,
 *   which cannot load an ES module. Code evaluated inside a worker is loaded by Node itself,
 *   so the same path runs in the built app and under Jest.
 * - A malformed or hostile PDF can only exhaust the worker's own heap (`resourceLimits`) or
 *   its time budget, never the API process's heap. What lives outside any heap (the canvas, in
 *   native memory) is bounded by RENDER_LIMITS and MAX_IMAGE_PIXELS.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const renderSize = ${renderSize.toString()};
(async () => {
  const pdfjs = await import(workerData.pdfjsUrl);
  const doc = await pdfjs.getDocument({
    data: workerData.bytes, verbosity: 0, isEvalSupported: false, useSystemFonts: false,
    standardFontDataUrl: workerData.standardFontDataUrl, maxImageSize: workerData.maxImageSize,
  }).promise;
  const lines = [];
  for (let p = 1; p <= Math.min(doc.numPages, 5); p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    const rows = [];
    for (const item of content.items) {
      if (!('str' in item) || !item.str.trim()) continue;
      const y = item.transform[5];
      const x = item.transform[4];
      const size = Math.abs(item.transform[3]) || 10;
      let row = rows.find((r) => Math.abs(r.y - y) < size / 2);
      if (!row) rows.push((row = { y, items: [] }));
      row.items.push({ x, str: item.str });
    }
    rows.sort((a, b) => b.y - a.y);
    for (const row of rows) lines.push(row.items.sort((a, b) => a.x - b.x).map((i) => i.str.trim()).join('  '));
  }
  const text = lines.join('\\n');
  if (text.replace(/\\s/g, '').length >= workerData.minText) {
    parentPort.postMessage({ text });
    return;
  }
  const page = await doc.getPage(1);
  const base = page.getViewport({ scale: 1 });
  const size = renderSize(base.width, base.height, workerData.limits);
  const viewport = page.getViewport({ scale: size.scale });
  const canvas = doc.canvasFactory.create(size.width, size.height);
  canvas.context.fillStyle = '#ffffff';
  canvas.context.fillRect(0, 0, canvas.canvas.width, canvas.canvas.height);
  await page.render({ canvasContext: canvas.context, canvas: canvas.canvas, viewport }).promise;
  parentPort.postMessage({ pageImage: canvas.canvas.toBuffer('image/png') });
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

function pdfjsLocation(): { pdfjsUrl: string; standardFontDataUrl: string } {
  const entry = require.resolve('pdfjs-dist/legacy/build/pdf.mjs');
  const root = join(dirname(entry), '..', '..');
  return { pdfjsUrl: pathToFileURL(entry).href, standardFontDataUrl: join(root, 'standard_fonts') + '/' };
}

/** Reads a PDF's text layer, or renders its first page when it has none. */
export function readPdf(bytes: Buffer): Promise<PdfContent> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        bytes: new Uint8Array(bytes),
        minText: MIN_TEXT_LAYER,
        limits: RENDER_LIMITS,
        maxImageSize: MAX_IMAGE_PIXELS,
        ...pdfjsLocation(),
      },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new OcrFailure('TIMEOUT', `PDF not read within ${TIMEOUT_MS / 1000} s`))),
      TIMEOUT_MS,
    );
    worker.once('message', (message: { text?: string; pageImage?: Uint8Array; error?: string }) => {
      if (message.error !== undefined)
        finish(() => reject(new OcrFailure('UNREADABLE_FILE', `Unreadable PDF: ${message.error}`)));
      else
        finish(() =>
          resolve({ text: message.text ?? null, pageImage: message.pageImage ? Buffer.from(message.pageImage) : null }),
        );
    });
    worker.once('error', (error: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          // Out of its heap: the document asks more of the reader than any receipt does.
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new OcrFailure('UNREADABLE_FILE', `PDF reader ran out of memory: ${error.message}`, error)
            : new OcrFailure('OCR_ENGINE_FAILED', `PDF reader failed: ${error.message}`, error),
        ),
      ),
    );
    worker.once('exit', (code) =>
      finish(() => reject(new OcrFailure('OCR_ENGINE_FAILED', `PDF reader stopped (exit ${code})`))),
    );
  });
}
