import { API_PREFIX } from '../common/http/api-prefix';
import { ReceiptResponseDto } from './dto/receipt.dto';
import { Receipt } from './receipt.entity';

export function toReceiptResponse(receipt: Receipt): ReceiptResponseDto {
  const extracted = receipt.extracted;
  return {
    id: receipt.id,
    spend_id: receipt.spendId,
    file_url: `/${API_PREFIX}/receipts/${receipt.id}/file`,
    filename: receipt.filename,
    mime_type: receipt.mimeType,
    size: receipt.size,
    sha256: receipt.sha256,
    ocr_status: receipt.ocrStatus,
    ocr_error_code: receipt.ocrErrorCode,
    ocr_error: receipt.ocrError,
    extracted:
      extracted && receipt.ocrStatus === 'done'
        ? {
            merchant: extracted.merchant,
            date: extracted.date,
            total: extracted.total,
            currency: extracted.currency,
            tax: extracted.tax,
            confidence: extracted.confidence,
            field_confidence: extracted.field_confidence,
            raw_text: extracted.raw_text,
          }
        : null,
    verified: receipt.verified,
    flags: receipt.flags,
    duplicate_of: receipt.duplicateOf,
    uploaded_by: receipt.uploadedBy,
    processed_at: receipt.processedAt?.toISOString() ?? null,
    created_at: receipt.createdAt.toISOString(),
  };
}
