import { Module } from '@nestjs/common';
import { OcrEngine } from './ocr-engine';
import { ReceiptReader } from './receipt-reader';

/** OCR of receipt files. `AppConfig` comes from the app's global ConfigModule. */
@Module({
  providers: [OcrEngine, ReceiptReader],
  exports: [OcrEngine, ReceiptReader],
})
export class OcrModule {}
