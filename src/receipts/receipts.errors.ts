import { DomainError, defineErrors } from '../common/errors/domain-error';

export const ReceiptErrors = defineErrors({
  RECEIPT_NOT_FOUND: { status: 404, title: 'Receipt not found' },
  UNSUPPORTED_FILE_TYPE: { status: 415, title: 'Unsupported file type' },
  IMAGE_TOO_LARGE: { status: 422, title: 'Image dimensions too large' },
  PAGE_TOO_LARGE: { status: 422, title: 'PDF page too large' },
  UNREADABLE_FILE: { status: 422, title: 'File cannot be read' },
  OCR_IN_PROGRESS: { status: 409, title: 'OCR is already queued or running' },
  RECEIPT_FILE_MISSING: { status: 500, title: 'Receipt file missing from storage' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'Receipt storage unavailable' },
});

/**
 * What a client is told when receipt storage cannot be used: retry shortly. The reason (a
 * server, a bucket, a path) is for the operator's logs, where the caller puts it.
 */
export function storageUnavailable(): DomainError {
  return ReceiptErrors.STORAGE_UNAVAILABLE('Receipt storage is unavailable; retry shortly', {
    headers: { 'Retry-After': '5' },
  });
}
