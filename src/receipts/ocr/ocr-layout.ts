/**
 * Where Tesseract found the lines of a page, and the lines it did not find. Pure.
 */
import type { Band } from './receipt-image';

/** A recognized line: its text, and its rows in the image it was read from. */
export interface OcrLine extends Band {
  text: string;
}

/**
 * Tesseract's TSV as lines: level 4 rows are lines (with their box), level 5 rows words
 * (level, page, block, paragraph, line, word, left, top, width, height, confidence, text).
 */
export function linesOfTsv(tsv: string): OcrLine[] {
  const lines = new Map<string, OcrLine>();
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells.length < 12) continue;
    const key = cells.slice(1, 5).join('.');
    if (cells[0] === '4') {
      const top = Number(cells[7]);
      lines.set(key, { top, bottom: top + Number(cells[9]), text: '' });
    } else if (cells[0] === '5') {
      const line = lines.get(key);
      const word = cells.slice(11).join('\t').trim();
      if (line && word) line.text = line.text ? `${line.text} ${word}` : word;
    }
  }
  return [...lines.values()].filter((l) => l.text);
}

/**
 * Print much taller than the body text (a shop name or a total printed double height) that
 * no recognized line covers: Tesseract's single-block layout, tuned to the body's size, drops
 * such lines. `scale` maps band rows to the rows of the image the lines were read from.
 */
export function missedTallBands(runs: Band[], lineHeight: number | null, lines: OcrLine[], scale: number): Band[] {
  if (!lineHeight) return [];
  return runs.filter((run) => {
    const height = run.bottom - run.top;
    if (height <= 1.6 * lineHeight || height >= 5 * lineHeight) return false;
    const [top, bottom] = [run.top * scale, run.bottom * scale];
    // Covered by one line, or by several (lines that touch make one run of inked rows).
    const covered = lines.reduce((sum, l) => sum + Math.max(0, Math.min(bottom, l.bottom) - Math.max(top, l.top)), 0);
    return covered < 0.5 * (bottom - top);
  });
}

/** Tesseract's lines in its order, each recovered line put in before the first line below it. */
export function withRecovered(lines: OcrLine[], recovered: OcrLine[]): OcrLine[] {
  const out = [...lines];
  for (const line of [...recovered].sort((a, b) => a.top - b.top)) {
    const below = out.findIndex((l) => l.top > line.top);
    out.splice(below < 0 ? out.length : below, 0, line);
  }
  return out;
}
