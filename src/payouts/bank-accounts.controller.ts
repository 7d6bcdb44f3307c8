import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { BankAccountsService } from './bank-accounts.service';
import { BankAccountResponseDto, PutBankAccountDto } from './dto/bank-account.dto';
import { PayoutErrors } from './payouts.errors';

const NO_OWN_ACCOUNT = [PayoutErrors.BANK_ACCOUNT_NOT_FOUND, 'You have no bank account on file'] as const;
const MASKED =
  'Answers are masked (`DE89 **** **** **** **30 00`, `****6789`): the whole number is sealed at rest (SECRETS_KEY) and only ever leaves in a payout file.';

/** The caller's own bank account, where their reimbursements are paid. */
@ApiTags('Payouts')
@Controller('users/me/bank-account')
export class OwnBankAccountController {
  constructor(private readonly accounts: BankAccountsService) {}

  @Put()
  @Authenticated({ accountant: true })
  @ApiOperation({
    summary: 'Set your bank account',
    description: `Replaces the one on file. \`iban\`: IBAN (mod-97 check digits, the country's length) and BIC; \`us_ach\`: ABA routing number (checksum), account number of 4 to 17 digits, checking or savings. Audited \`bank_account.created\` or \`bank_account.updated\` with the masked number only. ${MASKED}`,
  })
  @ApiOkResponse({ type: BankAccountResponseDto })
  @ApiValidation()
  put(@CurrentActor() actor: Actor, @Body() dto: PutBankAccountDto): Promise<BankAccountResponseDto> {
    return this.accounts.put(actor, dto);
  }

  @Get()
  @Authenticated({ accountant: true })
  @ApiOperation({ summary: 'Get your bank account', description: MASKED })
  @ApiOkResponse({ type: BankAccountResponseDto })
  @ApiProblems(NO_OWN_ACCOUNT)
  get(@CurrentActor() actor: Actor): Promise<BankAccountResponseDto> {
    return this.accounts.own(actor);
  }

  @Delete()
  @HttpCode(204)
  @Authenticated({ accountant: true })
  @ApiOperation({ summary: 'Remove your bank account', description: 'Audited `bank_account.deleted`.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(NO_OWN_ACCOUNT)
  async remove(@CurrentActor() actor: Actor): Promise<void> {
    await this.accounts.remove(actor);
  }
}

/** Finance and admins read a payee's bank account, masked, to prepare payouts. */
@ApiTags('Payouts')
@Controller('admin/users')
export class PayeeBankAccountController {
  constructor(private readonly accounts: BankAccountsService) {}

  @Get(':id/bank-account')
  @Authenticated({ role: 'finance' })
  @ApiOperation({
    summary: "Get a payee's bank account",
    description: `Finance and admins. A user of another organization is 404 PAYEE_NOT_FOUND, like one that does not exist. ${MASKED}`,
  })
  @ApiOkResponse({ type: BankAccountResponseDto })
  @ApiInvalidId()
  @ApiProblems(
    [PayoutErrors.PAYEE_NOT_FOUND, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist'],
    [PayoutErrors.BANK_ACCOUNT_NOT_FOUND, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b has no bank account on file'],
  )
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<BankAccountResponseDto> {
    return this.accounts.ofUser(actor, id);
  }
}
