import { fileTypeFromBuffer } from 'file-type/core';
import sharp from 'sharp';
import type { ReceiptMimeType } from './ocr/extraction';
import { statedPageSizes } from './pdf-page-sizes';
import { ReceiptErrors } from './receipts.errors';

const ACCEPTED: ReadonlySet<string> = new Set<ReceiptMimeType>([
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
]);

/** A receipt photo past this is a decompression bomb, not a photo: 50 megapixels, 16,384 px a side. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_SIDE = 16_384;
/**
 * A PDF page past this is no receipt: ISO 32000's implementation limit of 14,400 points (200
 * inches) a side, and at most 50 times as long as wide (a till roll 1.4 m long on 80 mm paper is 18
 * times as long as wide).
 */
export const MAX_PAGE_SIDE = 14_400;
export const MAX_PAGE_ASPECT = 50;

/**
 * What an uploaded file really is, judged by its bytes (magic numbers), never by its name or
 * declared content type. Images must also have sane dimensions, read from the header alone
 * (nothing is decoded), so a small file that would unpack into gigabytes is refused up front;
 * PDFs sane page sizes, as far as the file states them in plain sight (a few hundred bytes
 * naming a page 44,000 points long made OCR render 264,000 pixels and 4 GB).
 */
export async function inspectReceiptFile(bytes: Buffer): Promise<ReceiptMimeType> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !ACCEPTED.has(type.mime)) {
    const what = type ? `${type.mime} (.${type.ext})` : 'of no recognised type';
    throw ReceiptErrors.UNSUPPORTED_FILE_TYPE(`The file's content is ${what}; receipts may be JPEG, PNG, WebP or PDF`);
  }
  const mime = type.mime as ReceiptMimeType;
  if (mime === 'application/pdf') checkPageSizes(bytes);
  else await checkDimensions(bytes);
  return mime;
}

function checkPageSizes(bytes: Buffer): void {
  for (const { width, height } of statedPageSizes(bytes)) {
    if (
      Math.max(width, height) > MAX_PAGE_SIDE ||
      Math.max(width, height) > MAX_PAGE_ASPECT * Math.min(width, height)
    ) {
      throw ReceiptErrors.PAGE_TOO_LARGE(
        `A page of the PDF is ${points(width)}×${points(height)} points; receipts may have pages of at most ${MAX_PAGE_SIDE} points (200 inches) a side, at most ${MAX_PAGE_ASPECT} times as long as wide`,
      );
    }
  }
}

const points = (n: number) => String(Math.round(n * 100) / 100);

async function checkDimensions(bytes: Buffer): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw ReceiptErrors.UNREADABLE_FILE('The image is damaged or truncated and cannot be read');
  }
  if (!width || !height) throw ReceiptErrors.UNREADABLE_FILE('The image has no readable dimensions');
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw ReceiptErrors.IMAGE_TOO_LARGE(
      `The image is ${width}×${height} pixels; receipts may have at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels and ${MAX_IMAGE_SIDE} pixels a side`,
    );
  }
}
