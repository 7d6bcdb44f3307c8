import { Module } from '@nestjs/common';
import { OwnBankAccountController, PayeeBankAccountController } from './bank-accounts.controller';
import { BankAccountsRepository } from './bank-accounts.repository';
import { BankAccountsService } from './bank-accounts.service';

/** Payouts, at the top of the workflow: payee bank details now; payout batches and their files next. */
@Module({
  controllers: [OwnBankAccountController, PayeeBankAccountController],
  providers: [BankAccountsRepository, BankAccountsService],
  exports: [BankAccountsService],
})
export class PayoutsModule {}
