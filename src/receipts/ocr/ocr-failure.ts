/**
 * Why OCR of a receipt failed: a stable code for clients and the sentence shown with it. The
 * error behind a failure (a path, a server, an engine's message) goes to the logs only.
 * Listed in the `receipts_ocr_error_code_check` constraint: a new code needs a migration.
 */
export const OCR_ERROR_MESSAGES = {
  NOT_A_RECEIPT: 'The document does not look like a receipt: no total could be found',
  UNREADABLE_FILE: 'The file is damaged or cannot be decoded as an image or a PDF',
  TIMEOUT: 'Reading the file took longer than allowed',
  FILE_MISSING: "The receipt's file is missing from storage; upload it again",
  STORAGE_UNAVAILABLE: "The receipt's file could not be fetched from storage; run OCR again later",
  OCR_ENGINE_FAILED: 'OCR failed on the server; run OCR again later',
} as const;

export type OcrErrorCode = keyof typeof OCR_ERROR_MESSAGES;
export const OCR_ERROR_CODES = Object.keys(OCR_ERROR_MESSAGES) as OcrErrorCode[];

/** A failure whose class the code that saw it knows: the PDF reader, image preparation, the engine. */
export class OcrFailure extends Error {
  constructor(
    readonly code: OcrErrorCode,
    internal: string,
    cause?: unknown,
  ) {
    super(internal, { cause });
    this.name = 'OcrFailure';
  }
}
