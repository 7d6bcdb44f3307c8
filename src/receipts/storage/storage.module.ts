import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { LocalReceiptStorage } from './local-receipt-storage';
import { ReceiptStorage } from './receipt-storage';
import { S3ReceiptStorage } from './s3-receipt-storage';

/**
 * The receipt store chosen by configuration: an S3-compatible bucket (RECEIPTS_STORAGE=s3, or
 * S3_BUCKET set) or the local directory RECEIPTS_DIR. Imported by receipts and by health.
 */
@Module({
  providers: [
    {
      provide: ReceiptStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ReceiptStorage => {
        const { s3, dir } = config.receipts;
        new Logger('ReceiptStorage').log(`Receipt files in ${s3 ? s3.location : dir}`);
        return s3 ? new S3ReceiptStorage(s3) : new LocalReceiptStorage(dir);
      },
    },
  ],
  exports: [ReceiptStorage],
})
export class ReceiptStorageModule {}
