import { Module } from '@nestjs/common';
import { ExpenseReportsModule } from '../expense-reports/expense-reports.module';
import { SpendsModule } from '../spends/spends.module';
import { OwnBankAccountController, PayeeBankAccountController } from './bank-accounts.controller';
import { BankAccountsRepository } from './bank-accounts.repository';
import { BankAccountsService } from './bank-accounts.service';
import { CreatePayoutBatch } from './batches/create-payout-batch';
import { PayoutBatchFile } from './batches/payout-batch-file';
import { PayoutBatchesController } from './batches/payout-batches.controller';
import { PayoutBatchesRepository } from './batches/payout-batches.repository';
import { PayoutBatchesService } from './batches/payout-batches.service';
import { SettlePayoutBatch } from './batches/settle-payout-batch';
import { ExpenseReportPayables } from './payables/expense-report-payables';
import { PAYABLE_SOURCES, PayableSource } from './payables/payable-source';
import { PayableSources } from './payables/payable-sources';
import { SpendPayables } from './payables/spend-payables';
import { PayoutSettingsController } from './settings/payout-settings.controller';
import { PayoutSettingsRepository } from './settings/payout-settings.repository';
import { PayoutSettingsService } from './settings/payout-settings.service';

/**
 * Payouts, at the top of the workflow: payee bank details, the organization's payout settings,
 * and payout batches of approved items exported as SEPA or NACHA files. Items come from the
 * payable sources (spends and expense reports), each implementing the PayableSource port.
 */
@Module({
  imports: [SpendsModule, ExpenseReportsModule],
  controllers: [
    OwnBankAccountController,
    PayeeBankAccountController,
    PayoutSettingsController,
    PayoutBatchesController,
  ],
  providers: [
    BankAccountsRepository,
    BankAccountsService,
    PayoutSettingsRepository,
    PayoutSettingsService,
    PayoutBatchesRepository,
    PayoutBatchesService,
    CreatePayoutBatch,
    PayoutBatchFile,
    SettlePayoutBatch,
    SpendPayables,
    ExpenseReportPayables,
    {
      provide: PAYABLE_SOURCES,
      useFactory: (...sources: PayableSource[]) => sources,
      inject: [SpendPayables, ExpenseReportPayables],
    },
    PayableSources,
  ],
  exports: [BankAccountsService],
})
export class PayoutsModule {}
