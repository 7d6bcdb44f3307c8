import { blankPagePdf, pdfOf } from '../../test/helpers/pdf';
import { statedPageSizes } from './pdf-page-sizes';

const catalog = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'];

describe('statedPageSizes', () => {
  it("reads a page's MediaBox, whatever its origin", () => {
    expect(statedPageSizes(blankPagePdf(595.28, 841.89))).toEqual([{ width: 595.28, height: 841.89 }]);
    expect(
      statedPageSizes(pdfOf([...catalog, '<< /Type /Page /Parent 2 0 R /MediaBox [ -10 20.5 323 44020.5 ] >>'])),
    ).toEqual([{ width: 333, height: 44000 }]);
  });

  it('follows a MediaBox given by reference, and one inherited from the page tree', () => {
    const referenced = pdfOf([...catalog, '<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>', '[0 0 333 44000]']);
    expect(statedPageSizes(referenced)).toEqual([{ width: 333, height: 44000 }]);
    const inherited = pdfOf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 .5 9000.] >>',
      '<< /Type /Page /Parent 2 0 R >>',
    ]);
    expect(statedPageSizes(inherited)).toEqual([{ width: 0.5, height: 9000 }]);
  });

  it('sees through names spelt with #xx and PDF white space that \\s does not know (NUL)', () => {
    const escaped = pdfOf([...catalog, '<< /Type /Page /Parent 2 0 R /Media#42ox\u0000[0\u00000 333\f44000] >>']);
    expect(statedPageSizes(escaped)).toEqual([{ width: 333, height: 44000 }]);
  });

  it('scales by the largest UserUnit, as pdf.js renders it', () => {
    const scaled = pdfOf([...catalog, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /UserUnit 75000 >>']);
    expect(statedPageSizes(scaled)).toEqual([{ width: 612 * 75000, height: 792 * 75000 }]);
  });

  it('leaves out boxes pdf.js does not take either (empty, malformed) and finds none in a file without', () => {
    expect(
      statedPageSizes(
        pdfOf([
          ...catalog,
          '<< /Type /Page /MediaBox [0 0 0 792] >>',
          '<< /MediaBox [0 0 612] >>',
          '<< /MediaBox 99 0 R >>',
        ]),
      ),
    ).toEqual([]);
    expect(statedPageSizes(Buffer.from('%PDF-1.7 not really a PDF'))).toEqual([]);
  });

  it('scans 10 MB of the worst it is given in linear time (a pattern that backtracks takes minutes here)', () => {
    const worst = [
      '1 '.repeat(5_000_000),
      `/MediaBox ${' '.repeat(1_000)}1 `.repeat(10_000),
      '#41'.repeat(3_400_000),
      '/#41'.repeat(2_500_000),
      '/Media#42ox 5 0 R '.repeat(500_000),
      '1 0 obj ['.repeat(1_100_000),
    ];
    for (const filler of worst) {
      const started = process.hrtime.bigint();
      statedPageSizes(Buffer.from(filler, 'latin1'));
      // A complexity check, not a speed target: 20 to 600 ms each on a quiet two-core machine,
      // 3.4 s seen at load 22, minutes for a pattern that backtracks. The bound sits between.
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(30_000);
    }
  }, 240_000);
});
