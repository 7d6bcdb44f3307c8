import { Body, Controller, Get, HttpCode, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { RateLimited } from '../common/rate-limit/rate-limit.decorator';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { IsEmpty, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { AcceptsContentType } from '../common/http/content-type.interceptor';
import { ReceivesUpload } from '../common/http/upload.interceptor';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { SpendErrors } from '../spends/spends.errors';
import {
  ReceiptResponseDto,
  UploadReceiptDto,
  UploadReceiptFormDto,
  UploadSpendReceiptFormDto,
} from './dto/receipt.dto';
import { toReceiptResponse } from './receipt.mapper';
import { ReceiptErrors } from './receipts.errors';
import { ReceiptsService } from './receipts.service';
import { UploadedFile, UploadReceipt } from './use-cases/upload-receipt';

export const MAX_RECEIPT_BYTES = 10 * 1024 * 1024;

const NOT_FOUND = [
  ReceiptErrors.RECEIPT_NOT_FOUND,
  'Receipt 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d does not exist',
] as const;
const UPLOAD_PROBLEMS = [
  [SpendErrors.SPEND_NOT_FOUND, 'Spend 3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c does not exist'],
  [SpendErrors.NOT_SPEND_OWNER, "Receipts are attached by the spend's owner or by finance"],
  [SpendErrors.SPEND_CLOSED, 'A cancelled spend takes no receipts'],
  [
    ReceiptErrors.UNSUPPORTED_FILE_TYPE,
    "The file's content is image/gif (.gif); receipts may be JPEG, PNG, WebP or PDF",
  ],
  [CommonErrors.FILE_TOO_LARGE, 'The file exceeds 10 MB'],
  [
    ReceiptErrors.IMAGE_TOO_LARGE,
    'The image is 30000×30000 pixels; receipts may have at most 50 megapixels and 16384 pixels a side',
  ],
  [
    ReceiptErrors.PAGE_TOO_LARGE,
    'A page of the PDF is 333×44000 points; receipts may have pages of at most 14400 points (200 inches) a side, at most 50 times as long as wide',
  ],
  [ReceiptErrors.UNREADABLE_FILE, 'The image is damaged or truncated and cannot be read'],
  [CommonErrors.VALIDATION_FAILED, 'Send the receipt as the form field "file"'],
  [
    CommonErrors.UNSUPPORTED_CONTENT_TYPE,
    'Content-Type application/json is not accepted here; send multipart/form-data',
  ],
  [ReceiptErrors.STORAGE_UNAVAILABLE, 'Receipt storage is unavailable; retry shortly'],
] as const;
const UPLOAD_DESCRIPTION =
  'Answers at once with `ocr_status: "queued"`; OCR runs in the background (poll GET /receipts/{id}). ' +
  'JPEG, PNG, WebP or PDF up to 10 MB, judged by the bytes (images up to 50 megapixels and 16,384 pixels a side; ' +
  "PDF pages up to 14,400 points a side and 50 times as long as wide). The spend's owner or finance may attach; " +
  'the same file uploaded before in the organization is flagged `duplicate_receipt`.';

function upload(actor: Actor, spendId: string, request: Request, uploader: UploadReceipt): Promise<ReceiptResponseDto> {
  const file = (request as Request & { file?: UploadedFile }).file;
  return uploader.execute(actor, spendId, file).then(toReceiptResponse);
}

@ApiTags('Receipts')
@Controller('receipts')
export class ReceiptsController {
  constructor(
    private readonly receipts: ReceiptsService,
    private readonly uploader: UploadReceipt,
  ) {}

  @Post()
  @RateLimited('uploads')
  @Authenticated({ scope: 'receipts:write' })
  @AcceptsContentType('multipart/form-data')
  @ReceivesUpload({ field: 'file', maxBytes: MAX_RECEIPT_BYTES })
  @Idempotent()
  @ApiOperation({ summary: 'Upload a receipt for a spend', description: UPLOAD_DESCRIPTION })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadReceiptFormDto })
  @ApiCreatedResponse({ type: ReceiptResponseDto })
  @ApiValidation()
  @ApiProblems(...UPLOAD_PROBLEMS)
  create(
    @CurrentActor() actor: Actor,
    @Body() dto: UploadReceiptDto,
    @Req() request: Request,
  ): Promise<ReceiptResponseDto> {
    return upload(actor, dto.spend_id, request, this.uploader);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'Get a receipt with its OCR status and what was read',
    description: 'Visible to whoever may see the spend.',
  })
  @ApiOkResponse({ type: ReceiptResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  async get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReceiptResponseDto> {
    return toReceiptResponse(await this.receipts.get(actor, id));
  }

  @Get(':id/file')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: "Download the receipt's file",
    description: 'The stored bytes with their content type; visible to whoever may see the spend.',
  })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp', 'application/pdf')
  @ApiOkResponse({
    description: 'The file',
    content: Object.fromEntries(
      ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'].map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    [
      ReceiptErrors.RECEIPT_FILE_MISSING,
      'The file of receipt 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d is missing from storage',
    ],
    [ReceiptErrors.STORAGE_UNAVAILABLE, 'Receipt storage is unavailable; retry shortly'],
  )
  async file(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { receipt, stream } = await this.receipts.file(actor, id);
    // A client that goes away mid-download leaves the stream paused, not ended: without this
    // its file handle, or its connection to the bucket, would stay open until collected.
    response.once('close', () => stream.destroy());
    response.setHeader('Cache-Control', 'private, max-age=3600');
    response.setHeader('ETag', `"${receipt.sha256}"`);
    return new StreamableFile(stream, {
      type: receipt.mimeType,
      length: receipt.size,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(receipt.filename)}`,
    });
  }

  @Post(':id/reprocess')
  @HttpCode(202)
  @Authenticated({ scope: 'receipts:write' })
  @ApiOperation({
    summary: 'Run OCR on a receipt again',
    description: "The spend's owner or finance. Answers the receipt queued again; the new result replaces the old one.",
  })
  @ApiAcceptedResponse({ type: ReceiptResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    NOT_FOUND,
    [SpendErrors.NOT_SPEND_OWNER, "OCR is run again by the spend's owner or by finance"],
    [ReceiptErrors.OCR_IN_PROGRESS, 'OCR of this receipt is processing; wait for it to finish'],
  )
  async reprocess(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReceiptResponseDto> {
    return toReceiptResponse(await this.receipts.reprocess(actor, id));
  }
}

/** No form fields besides the file part: anything else is refused as an unknown field. */
class NoFields {
  @IsOptional()
  @IsEmpty({ message: 'send the file as a file part, not a text field' })
  file?: never;
}

/** The same upload, addressed by the spend: `POST /spends/{id}/receipts` with the file only. */
@ApiTags('Receipts')
@Controller('spends')
export class SpendReceiptsController {
  constructor(private readonly uploader: UploadReceipt) {}

  @Post(':id/receipts')
  @RateLimited('uploads')
  @Authenticated({ scope: 'receipts:write' })
  @AcceptsContentType('multipart/form-data')
  @ReceivesUpload({ field: 'file', maxBytes: MAX_RECEIPT_BYTES })
  @Idempotent()
  @ApiOperation({ summary: 'Upload a receipt for this spend', description: UPLOAD_DESCRIPTION })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadSpendReceiptFormDto })
  @ApiCreatedResponse({ type: ReceiptResponseDto })
  @ApiValidation()
  @ApiProblems(...UPLOAD_PROBLEMS)
  create(
    @CurrentActor() actor: Actor,
    @UuidParam('id') spendId: string,
    @Body() _form: NoFields,
    @Req() request: Request,
  ): Promise<ReceiptResponseDto> {
    return upload(actor, spendId, request, this.uploader);
  }
}
