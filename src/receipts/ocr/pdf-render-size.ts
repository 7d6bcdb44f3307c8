/** How large a rendered page may be. */
export interface RenderLimits {
  /** The width a page is rendered at when nothing else limits it: small print on a full page stays legible. */
  width: number;
  /** Most pixels a side gains per point (a business card is not blown up to a poster). */
  maxScale: number;
  /** Most pixels in all, whatever the page claims: the canvas lives outside the JavaScript heap and its limits. */
  maxPixels: number;
  /** Most pixels a side, for the image steps after rendering. */
  maxSide: number;
}

/**
 * The scale to render a page of `width`×`height` (at scale 1, as pdf.js measures it: points
 * times UserUnit) and the canvas that takes: `limits.width` wide unless that would exceed
 * `maxScale`, `maxPixels` or `maxSide`, in which case the page is scaled down to fit. Never less
 * than one pixel a side. No imports and no outside names: its source is evaluated inside the
 * PDF reader's worker thread as well (pdf-receipt.ts).
 */
export function renderSize(
  width: number,
  height: number,
  limits: RenderLimits,
): { scale: number; width: number; height: number } {
  const scale = Math.min(
    limits.maxScale,
    limits.width / width,
    Math.sqrt(limits.maxPixels / (width * height)),
    limits.maxSide / Math.max(width, height),
  );
  // Floored (so the budget holds) after a hair's breadth: 2000 / w * w may come out 1999.9999….
  const pixels = (side: number) => Math.max(1, Math.floor(side * scale + 1e-6));
  return { scale, width: pixels(width), height: pixels(height) };
}
