import sharp from 'sharp';

/** A receipt photo or scan made ready for Tesseract: grey, cropped to the print, denoised, scaled. */
export interface PreparedImage {
  /** Binary PGM (P5): Leptonica reads it without decoding work, and writing it costs nothing. */
  pgm: Buffer;
  width: number;
  height: number;
}

/** The cropped, denoised page before scaling: the same page can be read at several scales. */
export interface PreparedPage {
  pixels: Buffer;
  width: number;
  height: number;
  /** Height of a printed line in `pixels`, or null when there are too few lines to tell. */
  lineHeight: number | null;
}

/** Above this the page is shrunk before anything else; receipts never need more. */
const WORKING_WIDTH = 2000;
/**
 * Tesseract reads receipt print best when a line is about this tall (pixels, ascender to
 * descender). Measured on SROIE train (one reading, same parser): 32 px read 109 totals, 107
 * dates and 116 merchants right of 124; 24 px (used before) 107, 101 and 112; 40 px 107, 107
 * and 111.
 */
export const TARGET_LINE_HEIGHT = 32;
/** Estimated noise (grey levels) above which the image is smoothed before recognition. */
const NOISY = 8;
const MIN_SIDE = 24;

/**
 * Turns the uploaded bytes into what Tesseract reads best. Each step earned its place on the
 * receipt sets in `bench/ocr.mjs`: EXIF rotation; cropping to the printed area (a small receipt
 * on an A4 scan is otherwise read at a tenth of its size); contrast stretched on the print, not
 * the blank page; a light blur only when the image is noisy. Returns null when there is
 * nothing to read.
 */
export async function preparePage(bytes: Buffer): Promise<PreparedPage | null> {
  const input = sharp(bytes, { failOn: 'none', limitInputPixels: 150_000_000 });
  const meta = await input.metadata();
  const upright = (meta.orientation ?? 1) >= 5;
  const width = upright ? meta.height : meta.width;
  const height = upright ? meta.width : meta.height;
  if (!width || !height || width < MIN_SIDE || height < MIN_SIDE) return null;

  let page = input.rotate().flatten({ background: '#ffffff' }).grayscale();
  if (width > WORKING_WIDTH) page = page.resize({ width: WORKING_WIDTH });
  const grey = await greyPixels(page);
  const box = printedArea(grey.data, grey.info.width, grey.info.height);
  if (!box) return null;

  const crop = await greyPixels(
    sharp(grey.data, { raw: rawInfo(grey.info.width, grey.info.height) })
      .extract(box)
      .normalize(),
  );
  let pixels = crop.data;
  const w = crop.info.width;
  const h = crop.info.height;
  if (noiseSigma(pixels, w, h) > NOISY) {
    pixels = (await greyPixels(sharp(pixels, { raw: rawInfo(w, h) }).blur(1.2))).data;
  }
  return { pixels, width: w, height: h, lineHeight: typicalLineHeight(pixels, w, h) };
}

/** The page scaled so its text lines come out about `lineHeight` pixels tall. */
export async function scalePage(page: PreparedPage, lineHeight = TARGET_LINE_HEIGHT): Promise<PreparedImage> {
  const scale = page.lineHeight ? clamp(lineHeight / page.lineHeight, 0.5, 3) : 1;
  let pixels = page.pixels;
  let outW = page.width;
  let outH = page.height;
  if (Math.abs(scale - 1) > 0.15) {
    outW = Math.max(MIN_SIDE, Math.round(page.width * scale));
    outH = Math.max(MIN_SIDE, Math.round(page.height * scale));
    const resize = {
      width: outW,
      height: outH,
      kernel: scale > 1 ? ('cubic' as const) : ('lanczos3' as const),
      fit: 'fill' as const,
    };
    pixels = (await greyPixels(sharp(page.pixels, { raw: rawInfo(page.width, page.height) }).resize(resize))).data;
  }
  return { pgm: toPgm(pixels, outW, outH), width: outW, height: outH };
}

/** `preparePage` and `scalePage` in one: the image the first reading is made of. */
export async function prepareReceiptImage(
  bytes: Buffer,
  lineHeight = TARGET_LINE_HEIGHT,
): Promise<PreparedImage | null> {
  const page = await preparePage(bytes);
  return page ? scalePage(page, lineHeight) : null;
}

/** One byte per pixel: some operations (normalise) hand back sRGB unless told otherwise. */
async function greyPixels(image: sharp.Sharp): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  return image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
}

function rawInfo(width: number, height: number) {
  return { width, height, channels: 1 as const };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function toPgm(pixels: Buffer, width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii'), pixels]);
}

/** Otsu's threshold: the grey level that best splits ink from paper. */
export function otsuThreshold(pixels: Uint8Array): number {
  const histogram = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i];
  let sumBelow = 0;
  let countBelow = 0;
  let bestSpread = -1;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    countBelow += histogram[t];
    if (!countBelow) continue;
    const countAbove = pixels.length - countBelow;
    if (!countAbove) break;
    sumBelow += t * histogram[t];
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sum - sumBelow) / countAbove;
    const spread = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (spread > bestSpread) {
      bestSpread = spread;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * Immerkær's estimate of Gaussian noise (grey levels): the mean absolute response of a
 * Laplacian-difference kernel that cancels smooth image content.
 */
export function noiseSigma(pixels: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v =
        pixels[i - width - 1] -
        2 * pixels[i - width] +
        pixels[i - width + 1] -
        2 * pixels[i - 1] +
        4 * pixels[i] -
        2 * pixels[i + 1] +
        pixels[i + width - 1] -
        2 * pixels[i + width] +
        pixels[i + width + 1];
      sum += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (width - 2) * (height - 2));
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where the print is: the page cut into cells, cells with a text-like share of ink joined into
 * blocks (gaps of up to two cells), and the box around the large blocks. Specks, punch holes
 * and a dark scanner border are left out. Null for a blank page.
 */
export function printedArea(pixels: Uint8Array, width: number, height: number): Box | null {
  const cell = 16;
  const threshold = otsuThreshold(pixels);
  const cols = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const ink = new Float32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const cellRow = Math.floor(y / cell) * cols;
    for (let x = 0; x < width; x++) if (pixels[row + x] <= threshold) ink[cellRow + Math.floor(x / cell)]++;
  }
  const text = new Uint8Array(cols * rows);
  let textCells = 0;
  for (let i = 0; i < text.length; i++) {
    const share = ink[i] / (cell * cell);
    if (share > 0.03 && share < 0.6) {
      text[i] = 1;
      textCells++;
    }
  }
  if (textCells === 0) return null;

  const label = new Int32Array(cols * rows).fill(-1);
  const blocks: Array<{ cells: number; x0: number; y0: number; x1: number; y1: number }> = [];
  const gap = 2;
  for (let start = 0; start < text.length; start++) {
    if (!text[start] || label[start] >= 0) continue;
    const block = { cells: 0, x0: cols, y0: rows, x1: -1, y1: -1 };
    const stack = [start];
    label[start] = blocks.length;
    while (stack.length) {
      const i = stack.pop()!;
      const cx = i % cols;
      const cy = Math.floor(i / cols);
      block.cells++;
      block.x0 = Math.min(block.x0, cx);
      block.x1 = Math.max(block.x1, cx);
      block.y0 = Math.min(block.y0, cy);
      block.y1 = Math.max(block.y1, cy);
      for (let dy = -gap; dy <= gap; dy++) {
        for (let dx = -gap; dx <= gap; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const j = ny * cols + nx;
          if (text[j] && label[j] < 0) {
            label[j] = blocks.length;
            stack.push(j);
          }
        }
      }
    }
    blocks.push(block);
  }
  const largest = Math.max(...blocks.map((b) => b.cells));
  const kept = blocks.filter((b) => b.cells >= Math.max(4, largest * 0.03));
  if (!kept.length) return null;
  const margin = 2;
  const left = Math.max(0, (Math.min(...kept.map((b) => b.x0)) - margin) * cell);
  const top = Math.max(0, (Math.min(...kept.map((b) => b.y0)) - margin) * cell);
  const right = Math.min(width, (Math.max(...kept.map((b) => b.x1)) + 1 + margin) * cell);
  const bottom = Math.min(height, (Math.max(...kept.map((b) => b.y1)) + 1 + margin) * cell);
  if (right - left < MIN_SIDE || bottom - top < MIN_SIDE) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** A horizontal band of the page: rows `top` (inclusive) to `bottom` (exclusive). */
export interface Band {
  top: number;
  bottom: number;
}

/** The runs of inked rows (at least 4 rows tall): for a receipt, one per printed line. */
export function inkedRuns(pixels: Uint8Array, width: number, height: number): Band[] {
  const threshold = otsuThreshold(pixels);
  const minInk = Math.max(2, width * 0.01);
  const runs: Band[] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    let inked = 0;
    const row = y * width;
    if (y < height) for (let x = 0; x < width; x++) if (pixels[row + x] <= threshold) inked++;
    if (inked >= minInk) {
      if (start < 0) start = y;
    } else if (start >= 0) {
      if (y - start >= 4) runs.push({ top: start, bottom: y });
      start = -1;
    }
  }
  return runs;
}

/**
 * Median height of the runs of inked rows: for a receipt (one column of text) that is the
 * height of a printed line. Null when there are too few lines to tell.
 */
export function typicalLineHeight(pixels: Uint8Array, width: number, height: number): number | null {
  const heights = inkedRuns(pixels, width, height).map((r) => r.bottom - r.top);
  if (heights.length < 3) return null;
  heights.sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)];
}

/** One band of the page, on its own, scaled so its print is `lineHeight` pixels tall. */
export async function bandImage(
  page: PreparedPage,
  band: Band,
  lineHeight = TARGET_LINE_HEIGHT,
): Promise<PreparedImage> {
  const pad = Math.round((page.lineHeight ?? band.bottom - band.top) / 3);
  const top = Math.max(0, band.top - pad);
  const height = Math.min(page.height, band.bottom + pad) - top;
  const scale = lineHeight / (band.bottom - band.top);
  const width = Math.max(MIN_SIDE, Math.round(page.width * scale));
  const outHeight = Math.max(MIN_SIDE, Math.round(height * scale));
  const resize = { width, height: outHeight, kernel: 'lanczos3' as const, fit: 'fill' as const };
  const pixels = (
    await greyPixels(
      sharp(page.pixels, { raw: rawInfo(page.width, page.height) })
        .extract({ left: 0, top, width: page.width, height })
        .resize(resize),
    )
  ).data;
  return { pgm: toPgm(pixels, width, outHeight), width, height: outHeight };
}
