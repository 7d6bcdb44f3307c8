import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AdvancesModule } from './advances/advances.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { CatalogModule } from './catalog/catalog.module';
import { RatesModule } from './rates/rates.module';
import { ErrorFormatsModule } from './common/errors/error-formats';
import { ProblemFilter } from './common/errors/problem.filter';
import { RouteNotFoundFallback } from './common/http/route-not-found';
import { ContentTypeInterceptor } from './common/http/content-type.interceptor';
import { UploadInterceptor } from './common/http/upload.interceptor';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './common/idempotency/idempotency.repository';
import { MetricsModule } from './common/metrics/metrics';
import { OutboxModule } from './common/outbox/outbox.module';
import { SecretsModule } from './common/secrets/secrets.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { ExchangeRatesModule } from './exchange-rates/exchange-rates.module';
import { ExpenseReportsModule } from './expense-reports/expense-reports.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { loggerOptions } from './logger';
import { NotificationsModule } from './notifications/notifications.module';
import { OperatorsModule } from './operators/operators.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PayoutsModule } from './payouts/payouts.module';
import { PoliciesModule } from './policies/policies.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { ReceiptStorage } from './receipts/storage/receipt-storage';
import { ReceiptStorageModule } from './receipts/storage/storage.module';
import { ReportsModule } from './reports/reports.module';
import { SpendsModule } from './spends/spends.module';
import { UsersModule } from './users/users.module';
import { IdentityModule } from './identity/identity.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ScimModule } from './scim/scim.module';

@Module({})
export class AppModule {
  /** The whole API, configured by an already validated `AppConfig` with a resolved database URL. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        SecretsModule,
        ErrorFormatsModule,
        LoggerModule.forRoot(loggerOptions(config)),
        DatabaseModule.forRoot(ENTITIES),
        AuditModule,
        OutboxModule,
        JobsModule.forRoot(config),
        UsersModule,
        IdentityModule,
        OrganizationsModule,
        AuthModule,
        OperatorsModule,
        CatalogModule,
        RatesModule,
        ExchangeRatesModule,
        PoliciesModule,
        ApprovalsModule,
        SpendsModule,
        AdvancesModule,
        ExpenseReportsModule,
        ReceiptsModule,
        NotificationsModule,
        // Stored reports' files go to the receipts' store, which every process shares.
        ReportsModule.withFiles(ReceiptStorageModule, ReceiptStorage),
        PayoutsModule,
        WebhooksModule,
        ScimModule,
        HealthModule.forRoot(config),
      ],
      providers: [
        IdempotencyRepository,
        { provide: APP_FILTER, useClass: ProblemFilter },
        // Interceptors run in this order: refuse a wrong body type, read an upload, then honour
        // Idempotency-Key (whose fingerprint covers the uploaded file).
        { provide: APP_INTERCEPTOR, useClass: ContentTypeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: UploadInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        RouteNotFoundFallback,
      ],
    };
  }
}
