import { fileTypeFromBuffer } from 'file-type/core';
import sharp from 'sharp';
import type { ReceiptMimeType } from './ocr/extraction';
import { ReceiptErrors } from './receipts.errors';

const ACCEPTED: ReadonlySet<string> = new Set<ReceiptMimeType>(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);

/** A receipt photo past this is a decompression bomb, not a photo: 50 megapixels, 16,384 px a side. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const MAX_IMAGE_SIDE = 16_384;

/**
 * What an uploaded file really is, judged by its bytes (magic numbers), never by its name or
 * declared content type. Images must also have sane dimensions, read from the header alone
 * (nothing is decoded), so a small file that would unpack into gigabytes is refused up front.
 */
export async function inspectReceiptFile(bytes: Buffer): Promise<ReceiptMimeType> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !ACCEPTED.has(type.mime)) {
    const what = type ? `${type.mime} (.${type.ext})` : 'of no recognised type';
    throw ReceiptErrors.UNSUPPORTED_FILE_TYPE(`The file's content is ${what}; receipts may be JPEG, PNG, WebP or PDF`);
  }
  const mime = type.mime as ReceiptMimeType;
  if (mime !== 'application/pdf') await checkDimensions(bytes);
  return mime;
}

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
