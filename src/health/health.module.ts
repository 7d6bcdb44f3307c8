import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReceiptStorageModule } from '../receipts/storage/storage.module';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), ReceiptStorageModule],
  controllers: [HealthController],
  providers: [Readiness],
  exports: [Readiness],
})
export class HealthModule {}
