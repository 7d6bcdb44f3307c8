/**
 * A bar chart as SVG, for sharp (librsvg) to turn into a PNG. Pure: the caller gives bars with
 * their exact labels already formatted; this file only lays them out. Every text that comes
 * from data is XML-escaped, so a category named `<image href="file:///…">` is drawn as text
 * and never becomes markup that librsvg would act on.
 */

export interface Bar {
  label: string;
  /** Length of the bar, in major units (geometry only; `display` is what is written). */
  value: number;
  /** The exact amount as people read it, e.g. `12,345.67`. */
  display: string;
}

export interface BarChartSpec {
  title: string;
  subtitle: string;
  /** Months read left to right as columns; categories read best as rows. */
  orientation: 'columns' | 'rows';
  bars: Bar[];
  /** Shown when there are no bars (or all are zero). */
  emptyMessage: string;
}

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 675;

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const INK = '#1f2933';
const MUTED = '#52606d';
const GRID = '#e4e7eb';
const BAR = '#3e7cb1';

export function renderBarChart(spec: BarChartSpec): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${FONT}">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    text(40, 46, spec.title, { size: 26, weight: 'bold' }),
    text(40, 76, spec.subtitle, { size: 16, fill: MUTED }),
  ];
  const max = Math.max(0, ...spec.bars.map((b) => b.value));
  if (spec.bars.length === 0 || max <= 0) {
    parts.push(text(CHART_WIDTH / 2, CHART_HEIGHT / 2, spec.emptyMessage, { size: 22, fill: MUTED, anchor: 'middle' }));
  } else if (spec.orientation === 'columns') {
    parts.push(...columns(spec.bars, niceScale(max)));
  } else {
    parts.push(...rows(spec.bars, niceScale(max)));
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Vertical bars: x is the label (months), y the amount. */
function columns(bars: Bar[], scale: Scale): string[] {
  const rotate = bars.length > 12;
  const plot = { left: 120, right: CHART_WIDTH - 40, top: 120, bottom: CHART_HEIGHT - (rotate ? 110 : 70) };
  const height = plot.bottom - plot.top;
  const y = (value: number) => plot.bottom - (value / scale.max) * height;
  const out: string[] = [];
  for (const tick of scale.ticks) {
    out.push(line(plot.left, y(tick), plot.right, y(tick), tick === 0 ? MUTED : GRID));
    out.push(text(plot.left - 12, y(tick) + 5, compact(tick), { size: 14, fill: MUTED, anchor: 'end' }));
  }
  const band = (plot.right - plot.left) / bars.length;
  const width = Math.max(2, band * 0.68);
  const valueSize = bars.length > 24 ? 11 : 13;
  // Exact amounts when they all fit above their bars, else rounded ones (12.3k); if even those
  // do not fit, every value label is turned upright, so that they read alike.
  const exact = bars.every((bar) => fits(bar.display, valueSize, band));
  const labels = bars.map((bar) => (exact ? bar.display : compact(bar.value)));
  const upright = !labels.every((label) => fits(label, valueSize, band));
  bars.forEach((bar, i) => {
    const cx = plot.left + band * (i + 0.5);
    const top = y(bar.value);
    out.push(
      `<rect x="${fixed(cx - width / 2)}" y="${fixed(top)}" width="${fixed(width)}" height="${fixed(plot.bottom - top)}" fill="${BAR}" rx="2"/>`,
    );
    if (upright)
      out.push(
        text(cx + valueSize / 3, top - 6, labels[i], { size: valueSize, fill: INK, anchor: 'start', rotate: -90 }),
      );
    else out.push(text(cx, top - 6, labels[i], { size: valueSize, fill: INK, anchor: 'middle' }));
    if (rotate) out.push(text(cx, plot.bottom + 18, bar.label, { size: 13, fill: INK, anchor: 'end', rotate: -45 }));
    else out.push(text(cx, plot.bottom + 24, bar.label, { size: 14, fill: INK, anchor: 'middle' }));
  });
  return out;
}

/** Horizontal bars: a row per label (categories, whose names need the room). */
function rows(bars: Bar[], scale: Scale): string[] {
  const plot = { left: 300, right: CHART_WIDTH - 170, top: 110, bottom: CHART_HEIGHT - 60 };
  const width = plot.right - plot.left;
  const x = (value: number) => plot.left + (value / scale.max) * width;
  const out: string[] = [];
  for (const tick of scale.ticks) {
    out.push(line(x(tick), plot.top, x(tick), plot.bottom, tick === 0 ? MUTED : GRID));
    out.push(text(x(tick), plot.bottom + 24, compact(tick), { size: 14, fill: MUTED, anchor: 'middle' }));
  }
  const band = (plot.bottom - plot.top) / bars.length;
  const thickness = Math.min(40, band * 0.68);
  bars.forEach((bar, i) => {
    const cy = plot.top + band * (i + 0.5);
    out.push(
      `<rect x="${plot.left}" y="${fixed(cy - thickness / 2)}" width="${fixed(x(bar.value) - plot.left)}" height="${fixed(thickness)}" fill="${BAR}" rx="2"/>`,
    );
    out.push(text(plot.left - 12, cy + 5, clip(bar.label, 30), { size: 15, fill: INK, anchor: 'end' }));
    // After the bar's end, or inside it when the amount would run off the picture.
    const end = x(bar.value);
    if (end + 8 + bar.display.length * 14 * 0.6 <= CHART_WIDTH - 8)
      out.push(text(end + 8, cy + 5, bar.display, { size: 14, fill: INK, anchor: 'start' }));
    else out.push(text(end - 8, cy + 5, bar.display, { size: 14, fill: '#ffffff', anchor: 'end' }));
  });
  return out;
}

interface Scale {
  max: number;
  ticks: number[];
}

/** An axis from 0 to a round number (1, 2, 2.5 or 5 × 10^k per step) with about five steps. */
export function niceScale(max: number): Scale {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { max: top, ticks };
}

/** `950`, `12.5k`, `3.2M`: for axis ticks and for bar values that do not fit in full. */
export function compact(value: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return trim(value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 2));
}

function trim(number: string): string {
  return number.includes('.') ? number.replace(/\.?0+$/, '') : number;
}

/** About 0.6 em per character in DejaVu Sans digits; enough to decide whether a label fits. */
function fits(label: string, size: number, room: number): boolean {
  return label.length * size * 0.6 <= room * 0.95;
}

function clip(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${fixed(x1)}" y1="${fixed(y1)}" x2="${fixed(x2)}" y2="${fixed(y2)}" stroke="${stroke}" stroke-width="1"/>`;
}

interface TextStyle {
  size: number;
  fill?: string;
  weight?: 'bold';
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, around the text's anchor point. */
  rotate?: number;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const attributes = [
    `x="${fixed(x)}"`,
    `y="${fixed(y)}"`,
    `font-size="${style.size}"`,
    `fill="${style.fill ?? INK}"`,
    style.weight ? `font-weight="${style.weight}"` : '',
    style.anchor ? `text-anchor="${style.anchor}"` : '',
    style.rotate ? `transform="rotate(${style.rotate} ${fixed(x)} ${fixed(y)})"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}

export function escapeXml(value: string): string {
  // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `1234567.89` → `1,234,567.89`, exactly (a decimal string, never a float). */
export function groupDigits(amount: string): string {
  const [whole, fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
