import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { OCR_ERROR_CODES, OCR_ERROR_MESSAGES } from '../ocr/ocr-failure';
import { FIELD_THRESHOLD } from '../ocr/receipt-parser';
import { OCR_STATUSES } from '../receipt.entity';

export class UploadReceiptDto {
  @ApiProperty({
    format: 'uuid',
    example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c',
    description: 'The spend the receipt belongs to',
  })
  @IsUUID('all')
  spend_id: string;
}

/** Form of POST /receipts, for the docs: the file and the spend. */
export class UploadReceiptFormDto extends UploadReceiptDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'JPEG, PNG, WebP or PDF, at most 10 MB; the type is judged by the bytes',
  })
  file: unknown;
}

/** Form of POST /spends/{id}/receipts: the file only. */
export class UploadSpendReceiptFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'JPEG, PNG, WebP or PDF, at most 10 MB; the type is judged by the bytes',
  })
  file: unknown;
}

const FIELD_CONFIDENCE = `How sure OCR was of the field, 0 to 1: 0 when it was not found. Under ${FIELD_THRESHOLD} the field is withheld (null in \`extracted\`) rather than guessed.`;

/** Per field; a null field with a confidence above 0 was read, but too unsure to be given. */
export class FieldConfidenceDto {
  @ApiProperty({ example: 0.91, minimum: 0, maximum: 1, description: FIELD_CONFIDENCE }) merchant: number;
  @ApiProperty({ example: 0.88, minimum: 0, maximum: 1, description: FIELD_CONFIDENCE }) date: number;
  @ApiProperty({ example: 0.95, minimum: 0, maximum: 1, description: FIELD_CONFIDENCE }) total: number;
  @ApiProperty({ example: 0.7, minimum: 0, maximum: 1, description: FIELD_CONFIDENCE }) currency: number;
  @ApiProperty({ example: 0.8, minimum: 0, maximum: 1, description: FIELD_CONFIDENCE }) tax: number;
}

export class ExtractedDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Pret A Manger',
    description: 'Null when not found or withheld as unsure (see field_confidence)',
  })
  merchant: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date',
    example: '2026-03-02',
    description: 'Null when not found or withheld as unsure (see field_confidence)',
  })
  date: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '12.50',
    description:
      "Decimal string with the currency's minor digits; null when not found or withheld as unsure (see field_confidence)",
  })
  total: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'GBP',
    description: 'ISO 4217; null when not found or withheld as unsure',
  })
  currency: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2.08',
    description: 'Null when not found, or withheld with the total',
  })
  tax: string | null;
  @ApiProperty({ example: 0.86, description: 'Overall confidence, 0 to 1' }) confidence: number;
  @ApiProperty({ type: FieldConfidenceDto, description: 'Per field; a withheld field keeps its confidence here' })
  field_confidence: FieldConfidenceDto;
  @ApiProperty({ example: 'PRET A MANGER\n...\nTOTAL 12.50' }) raw_text: string;
}

export class ReceiptResponseDto {
  @ApiProperty({ format: 'uuid', example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @ApiProperty({ format: 'uuid', example: '3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c' }) spend_id: string;
  @ApiProperty({
    example: '/api/v1/receipts/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/file',
    description: 'Download with the same bearer token',
  })
  file_url: string;
  @ApiProperty({ example: 'lunch.jpg' }) filename: string;
  @ApiProperty({
    enum: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
    example: 'image/jpeg',
    description: 'Judged by the bytes',
  })
  mime_type: string;
  @ApiProperty({ example: 184320, description: 'Bytes' }) size: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ enum: OCR_STATUSES, example: 'done' }) ocr_status: string;
  @ApiProperty({
    enum: OCR_ERROR_CODES,
    nullable: true,
    example: 'NOT_A_RECEIPT',
    description:
      'Why OCR failed, when ocr_status is failed: NOT_A_RECEIPT (read, but no total), UNREADABLE_FILE (damaged, or no image or PDF to decode), ' +
      "TIMEOUT, FILE_MISSING (the file is gone from storage: upload it again), STORAGE_UNAVAILABLE and OCR_ENGINE_FAILED (on the server's side: " +
      'POST /receipts/{id}/reprocess later). Stable: branch on this, not on ocr_error.',
  })
  ocr_error_code: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: OCR_ERROR_MESSAGES.NOT_A_RECEIPT,
    description:
      "The sentence for ocr_error_code, to show a person; null unless ocr_status is failed. Never a path or an engine's message.",
  })
  ocr_error: string | null;
  @ApiProperty({ type: ExtractedDto, nullable: true, description: 'What OCR read; null until ocr_status is done' })
  extracted: ExtractedDto | null;
  @ApiProperty({
    example: true,
    description:
      'The extracted total and date agree with the spend (a total or date withheld as unsure verifies nothing)',
  })
  verified: boolean;
  @ApiProperty({
    type: [String],
    example: [],
    description: '`duplicate_receipt`: the same file was uploaded before in the organization',
  })
  flags: string[];
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description: 'The earlier receipt with the same file',
  })
  duplicate_of: string | null;
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) uploaded_by: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-02T09:15:03.000Z' })
  processed_at: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:15:00.000Z' }) created_at: string;
}
