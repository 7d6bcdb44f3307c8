import { Module, OnModuleInit } from '@nestjs/common';
import { SpendAttachments } from '../spends/spend-attachments';
import { SpendsModule } from '../spends/spends.module';
import { OcrModule } from './ocr/ocr.module';
import { toReceiptResponse } from './receipt.mapper';
import { ReceiptsController, SpendReceiptsController } from './receipts.controller';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';
import { ReceiptStorageModule } from './storage/storage.module';
import { OcrProcessor } from './use-cases/ocr-processor';
import { UploadReceipt } from './use-cases/upload-receipt';

/** Receipts: upload, content-addressed storage, download, and the OCR job that reads them. */
@Module({
  imports: [SpendsModule, OcrModule, ReceiptStorageModule],
  controllers: [ReceiptsController, SpendReceiptsController],
  providers: [ReceiptsService, ReceiptsRepository, UploadReceipt, OcrProcessor],
})
export class ReceiptsModule implements OnModuleInit {
  constructor(
    private readonly attachments: SpendAttachments,
    private readonly receipts: ReceiptsRepository,
  ) {}

  onModuleInit(): void {
    this.attachments.provide(async (organizationId, spendIds, tx) => {
      const bySpend = new Map<string, object[]>();
      for (const receipt of await this.receipts.forSpends(organizationId, spendIds, tx)) {
        bySpend.set(receipt.spendId, [...(bySpend.get(receipt.spendId) ?? []), toReceiptResponse(receipt)]);
      }
      return bySpend;
    });
  }
}
