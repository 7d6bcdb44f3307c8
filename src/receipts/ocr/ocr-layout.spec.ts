import { linesOfTsv, missedTallBands, withRecovered } from './ocr-layout';
import { inkedRuns, typicalLineHeight } from './receipt-image';

// TSV rows as Tesseract writes them: level, page, block, paragraph, line, word, left, top, width, height, confidence, text.
const tsv = [
  'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
  '4\t1\t1\t1\t1\t0\t10\t20\t300\t30\t-1\t',
  '5\t1\t1\t1\t1\t1\t10\t20\t80\t30\t96.1\tCORNER',
  '5\t1\t1\t1\t1\t2\t100\t20\t60\t30\t95.0\tSHOP',
  '4\t1\t1\t1\t2\t0\t10\t200\t300\t30\t-1\t',
  '5\t1\t1\t1\t2\t1\t10\t200\t80\t30\t91.3\tCASH',
  '5\t1\t1\t1\t2\t2\t200\t200\t60\t30\t90.2\t50.00',
].join('\n');

describe('OCR layout', () => {
  it("reads Tesseract's TSV as lines with their rows", () => {
    expect(linesOfTsv(tsv)).toEqual([
      { top: 20, bottom: 50, text: 'CORNER SHOP' },
      { top: 200, bottom: 230, text: 'CASH 50.00' },
    ]);
  });

  it('finds the tall print no recognized line covers, and only that', () => {
    const lines = linesOfTsv(tsv);
    const runs = [
      { top: 20, bottom: 50 }, // the shop line, read
      { top: 100, bottom: 170 }, // a TOTAL printed double height, dropped
      { top: 200, bottom: 230 }, // the cash line, read
      { top: 300, bottom: 500 }, // a logo far taller than any line
    ];
    expect(missedTallBands(runs, 30, lines, 1)).toEqual([{ top: 100, bottom: 170 }]);
    expect(missedTallBands(runs, null, lines, 1)).toEqual([]);
  });

  it('counts two touching lines as covering the run they make together', () => {
    const lines = [
      { top: 0, bottom: 32, text: 'Milk 2L 3.05' },
      { top: 34, bottom: 66, text: 'Bread 2.10' },
    ];
    expect(missedTallBands([{ top: 0, bottom: 66 }], 30, lines, 1)).toEqual([]);
  });

  it('puts a recovered line back where it was printed', () => {
    const lines = linesOfTsv(tsv);
    const merged = withRecovered(lines, [{ top: 100, bottom: 170, text: 'TOTAL: 31.00' }]);
    expect(merged.map((l) => l.text)).toEqual(['CORNER SHOP', 'TOTAL: 31.00', 'CASH 50.00']);
  });

  it('measures printed lines as runs of inked rows', () => {
    const width = 50;
    const height = 60;
    const pixels = new Uint8Array(width * height).fill(255);
    const ink = (from: number, to: number) => {
      for (let y = from; y < to; y++) for (let x = 5; x < 45; x++) pixels[y * width + x] = 0;
    };
    ink(2, 8);
    ink(12, 18);
    ink(22, 28);
    ink(35, 55);
    expect(inkedRuns(pixels, width, height)).toEqual([
      { top: 2, bottom: 8 },
      { top: 12, bottom: 18 },
      { top: 22, bottom: 28 },
      { top: 35, bottom: 55 },
    ]);
    expect(typicalLineHeight(pixels, width, height)).toBe(6);
  });
});
