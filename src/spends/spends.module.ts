import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CatalogModule } from '../catalog/catalog.module';
import { ExchangeRatesModule } from '../exchange-rates/exchange-rates.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PoliciesModule } from '../policies/policies.module';
import { RatesModule } from '../rates/rates.module';
import { UsersModule } from '../users/users.module';
import { BacktestRepository } from './backtest/backtest.repository';
import { PolicyBacktest } from './backtest/policy-backtest';
import { PolicyBacktestController } from './backtest/policy-backtest.controller';
import { AggregatesRepository } from './budgets/aggregates.repository';
import { BudgetAggregates } from './budgets/budget-aggregates';
import { BudgetsController } from './budgets/budgets.controller';
import { BudgetsRepository } from './budgets/budgets.repository';
import { BudgetsService } from './budgets/budgets.service';
import { PolicySimulationController } from './policy-simulation.controller';
import { ReportLineGate } from './report-line-gate';
import { ReportLines } from './report-lines';
import { ReportLinesRepository } from './report-lines.repository';
import { SpendAccess } from './spend-access';
import { SpendAttachments } from './spend-attachments';
import { SpendsController } from './spends.controller';
import { SpendPaymentsRepository } from './spend-payments.repository';
import { SpendsRepository } from './spends.repository';
import { SpendsService } from './spends.service';
import { ApprovalOutcome } from './use-cases/approval-outcome';
import { ComputedPricing } from './use-cases/computed-pricing';
import { CreateSpend } from './use-cases/create-spend';
import { MileagePricing } from './use-cases/mileage-pricing';
import { PerDiemPricing } from './use-cases/per-diem-pricing';
import { PerDiemTripsRepository } from './per-diem-trips.repository';
import { PolicyCheck } from './use-cases/policy-check';
import { SpendFields } from './use-cases/spend-fields';
import { SpendLifecycle } from './use-cases/spend-lifecycle';
import { SpendPayment } from './use-cases/spend-payment';
import { ReceiptEffects } from './use-cases/receipt-effects';
import { Reevaluation } from './use-cases/reevaluation';
import { Submission } from './use-cases/submission';

/**
 * The spend aggregate: create, edit, submit, cancel, pay; reacts to approval outcomes and receipts.
 * `SpendPayment` is exported for payout batches, which pay approved spends in bulk.
 */
@Module({
  imports: [
    UsersModule,
    OrganizationsModule,
    CatalogModule,
    ExchangeRatesModule,
    PoliciesModule,
    ApprovalsModule,
    RatesModule,
  ],
  controllers: [SpendsController, PolicySimulationController, PolicyBacktestController, BudgetsController],
  providers: [
    SpendsService,
    SpendsRepository,
    SpendAccess,
    SpendFields,
    ComputedPricing,
    MileagePricing,
    PerDiemPricing,
    PerDiemTripsRepository,
    PolicyCheck,
    Submission,
    CreateSpend,
    SpendLifecycle,
    SpendPaymentsRepository,
    SpendPayment,
    ApprovalOutcome,
    Reevaluation,
    ReceiptEffects,
    SpendAttachments,
    ReportLines,
    ReportLinesRepository,
    ReportLineGate,
    PolicyBacktest,
    BacktestRepository,
    BudgetsService,
    BudgetsRepository,
    BudgetAggregates,
    AggregatesRepository,
  ],
  exports: [
    SpendsService,
    BudgetsService,
    ReceiptEffects,
    SpendAttachments,
    SpendAccess,
    SpendPayment,
    ReportLines,
    ReportLineGate,
  ],
})
export class SpendsModule {}
