import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReceiptStorageModule } from '../receipts/storage/storage.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), ReceiptStorageModule],
  controllers: [HealthController],
})
export class HealthModule {}
