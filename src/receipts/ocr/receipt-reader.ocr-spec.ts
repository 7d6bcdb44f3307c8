import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppConfig } from '../../config/app-config';
import { OcrEngine } from './ocr-engine';
import { ReceiptReader } from './receipt-reader';

// Real OCR (tesseract.js, offline language data) on a few receipts copied from the project's
// benchmark sets (see docs/receipts-ocr.md); `npm run bench:ocr` measures the whole sets.
const fixtures = join(__dirname, '../../../test/fixtures/receipts');
const fixture = (name: string) => readFileSync(join(fixtures, name));

/** A one-page PDF whose only content is a JPEG: a scanned receipt, no text layer. */
function scannedPdf(jpeg: Buffer, width: number, height: number): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
  ];
  const content = `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q`;
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let length = parts[0].length;
  const add = (chunk: Buffer) => {
    parts.push(chunk);
    length += chunk.length;
  };
  objects.forEach((body, i) => {
    offsets.push(length);
    add(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`));
  });
  offsets.push(length);
  add(
    Buffer.from(
      `4 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
    ),
  );
  add(jpeg);
  add(Buffer.from('\nendstream\nendobj\n'));
  offsets.push(length);
  add(Buffer.from(`5 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`));
  const xref = length;
  add(
    Buffer.from(
      `xref\n0 6\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

describe('ReceiptReader (real OCR)', () => {
  const engine = new OcrEngine({ receipts: { ocrWorkers: 2 } } as AppConfig);
  const reader = new ReceiptReader(engine);

  afterAll(() => engine.terminate());

  it('reads a blurred, low-contrast photo of a UK receipt', async () => {
    const r = await reader.extract(fixture('synthetic-007.png'), 'image/png');
    expect(r).toMatchObject({ is_receipt: true, total: '35.78', date: '2024-09-15', currency: 'GBP' });
    expect(r.merchant).toMatch(/Penny Lane Grocers/i);
    expect(r.confidence).toBeGreaterThan(0.6);
  });

  it('reads a receipt with comma decimals and day-first dates', async () => {
    const r = await reader.extract(fixture('synthetic-001.jpg'), 'image/jpeg');
    expect(r).toMatchObject({ is_receipt: true, total: '98.92', date: '2025-05-26', currency: 'EUR' });
    expect(r.merchant).toMatch(/Pharmacie/i);
  });

  it('reads a PDF from its text layer', async () => {
    const r = await reader.extract(fixture('synthetic-026.pdf'), 'application/pdf');
    expect(r).toMatchObject({ is_receipt: true, total: '51.85', date: '2026-10-21', currency: 'EUR' });
    expect(r.merchant).toMatch(/O'CONNELL HARDWARE LTD/i);
    expect(r.field_confidence.total).toBeGreaterThan(0.85);
  });

  it('renders and reads a scanned PDF that has no text layer', async () => {
    const { data, info } = await sharp(fixture('synthetic-007.png'))
      .grayscale()
      .jpeg({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
    const r = await reader.extract(scannedPdf(data, info.width, info.height), 'application/pdf');
    expect(r).toMatchObject({ is_receipt: true, total: '35.78', date: '2024-09-15' });
  });

  it('rejects a photo that is not a receipt', async () => {
    const r = await reader.extract(fixture('not-receipt-012.jpg'), 'image/jpeg');
    expect(r).toMatchObject({ is_receipt: false, total: null, merchant: null, confidence: 0 });
  });

  it('survives bytes that are not an image at all', async () => {
    await expect(reader.extract(Buffer.from('definitely not a png'), 'image/png')).rejects.toThrow();
    await expect(reader.extract(Buffer.from('%PDF-1.4 broken'), 'application/pdf')).rejects.toThrow();
    // The pool still works after the failures.
    const r = await reader.extract(fixture('synthetic-007.png'), 'image/png');
    expect(r.total).toBe('35.78');
  });
});
