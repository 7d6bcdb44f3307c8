import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { ReceiptStorageModule } from '../receipts/storage/storage.module';
import { BacklogProbe } from './backlog-probe';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsScrape } from './metrics-scrape';
import { Readiness } from './readiness';

@Module({})
export class HealthModule {
  /** GET /metrics exists only with METRICS_ENABLED=true; the worker serves it on its health port (MetricsScrape). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), ReceiptStorageModule],
      controllers: config.metrics.enabled ? [HealthController, MetricsController] : [HealthController],
      providers: [Readiness, BacklogProbe, MetricsScrape],
      exports: [Readiness, MetricsScrape],
    };
  }
}
