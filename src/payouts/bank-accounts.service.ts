import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { SecretBox } from '../common/secrets/secret-box';
import {
  accountNumberProblem,
  bicProblem,
  ibanProblem,
  maskAccountNumber,
  maskIban,
  normalizeIban,
  routingNumberProblem,
} from './bank-details.validators';
import { AchAccountType, BankAccountKind, BankAccountsRepository, StoredBankAccount } from './bank-accounts.repository';
import type { BankAccountResponseDto, PutBankAccountDto } from './dto/bank-account.dto';
import { PayoutErrors } from './payouts.errors';

/** What the sealed value holds: the account number the payout files need, never shown. */
interface SealedDetails {
  iban?: string;
  accountNumber?: string;
}

/** A payee's account opened for a payout file: the whole number, never answered or logged. */
export interface PayoutAccount {
  userId: string;
  kind: BankAccountKind;
  holderName: string;
  /** The BIC (iban) or the ABA routing number (us_ach). */
  bankCode: string;
  accountType: AchAccountType | null;
  /** The IBAN (iban) or the account number (us_ach). */
  accountNumber: string;
}

/** The sealed value belongs to this row: copied into another user's or organization's row, it does not open. */
export const sealContext = (organizationId: string, userId: string) =>
  `payee_bank_accounts:${organizationId.toLowerCase()}:${userId.toLowerCase()}`;

/**
 * Payee bank details, one account per user: validated (IBAN mod-97 and length, BIC, ABA
 * checksum, account digits), sealed with the SecretBox, answered masked. Changes are audited
 * with the kind and masked number only. Payout batches open the sealed numbers for the export
 * files (`openForPayout`); nothing else does.
 */
@Injectable()
export class BankAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: BankAccountsRepository,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async put(actor: Actor, dto: PutBankAccountDto): Promise<BankAccountResponseDto> {
    const { details, masked, bankCode } = checked(dto);
    const organizationId = actor.organizationId;
    const stored = await this.dataSource.transaction(async (tx) => {
      const { account, replaced } = await this.accounts.upsert(tx, {
        organizationId,
        userId: actor.userId,
        kind: dto.kind,
        holderName: dto.holder_name,
        maskedAccount: masked,
        bankCode,
        accountType: dto.kind === 'us_ach' ? dto.account_type! : null,
        sealedDetails: this.secrets.seal(JSON.stringify(details), sealContext(organizationId, actor.userId)),
      });
      await this.audit.record(tx, actor, {
        action: replaced ? 'bank_account.updated' : 'bank_account.created',
        entityType: 'user',
        entityId: actor.userId,
        metadata: { kind: account.kind, accountMasked: account.maskedAccount, bankCode: account.bankCode },
      });
      return account;
    });
    return toResponse(stored);
  }

  async own(actor: Actor): Promise<BankAccountResponseDto> {
    const account = await this.accounts.find(actor.organizationId, actor.userId);
    if (!account) throw PayoutErrors.BANK_ACCOUNT_NOT_FOUND('You have no bank account on file');
    return toResponse(account);
  }

  /** Finance and admins read a payee's account, masked; another organization's user is 404 like a missing one. */
  async ofUser(actor: Actor, userId: string): Promise<BankAccountResponseDto> {
    if (!(await this.accounts.userExists(actor.organizationId, userId)))
      throw PayoutErrors.PAYEE_NOT_FOUND(`User ${userId} does not exist`);
    const account = await this.accounts.find(actor.organizationId, userId);
    if (!account) throw PayoutErrors.BANK_ACCOUNT_NOT_FOUND(`User ${userId} has no bank account on file`);
    return toResponse(account);
  }

  /** Which kind of account each of these users has on file (a user without one is absent); in `tx` when given. */
  async kindsOf(
    tx: EntityManager | null,
    organizationId: string,
    userIds: string[],
  ): Promise<Map<string, BankAccountKind>> {
    const accounts = await this.accounts.findMany(tx, organizationId, userIds);
    return new Map(accounts.map((a) => [a.userId, a.kind]));
  }

  /** The payees' accounts with their numbers unsealed, for a payout file only. */
  async openForPayout(organizationId: string, userIds: string[]): Promise<Map<string, PayoutAccount>> {
    const accounts = await this.accounts.findMany(null, organizationId, userIds);
    return new Map(
      accounts.map((a) => {
        const details = JSON.parse(
          this.secrets.open(a.sealedDetails, sealContext(organizationId, a.userId)),
        ) as SealedDetails;
        return [
          a.userId,
          {
            userId: a.userId,
            kind: a.kind,
            holderName: a.holderName,
            bankCode: a.bankCode,
            accountType: a.accountType,
            accountNumber: (a.kind === 'iban' ? details.iban : details.accountNumber) ?? '',
          },
        ];
      }),
    );
  }

  async remove(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const removed = await this.accounts.delete(tx, actor.organizationId, actor.userId);
      if (!removed) throw PayoutErrors.BANK_ACCOUNT_NOT_FOUND('You have no bank account on file');
      await this.audit.record(tx, actor, {
        action: 'bank_account.deleted',
        entityType: 'user',
        entityId: actor.userId,
        metadata: { kind: removed.kind, accountMasked: removed.maskedAccount },
      });
    });
  }
}

function checked(dto: PutBankAccountDto): { details: SealedDetails; masked: string; bankCode: string } {
  const errors: Array<{ field: string; message: string }> = [];
  const check = (field: string, problem: string | null) => problem && errors.push({ field, message: problem });
  if (dto.kind === 'iban') {
    check('iban', ibanProblem(dto.iban!));
    check('bic', bicProblem(dto.bic!));
  } else {
    check('routing_number', routingNumberProblem(dto.routing_number!));
    check('account_number', accountNumberProblem(dto.account_number!));
  }
  if (errors.length > 0)
    throw CommonErrors.VALIDATION_FAILED(errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
  return dto.kind === 'iban'
    ? { details: { iban: normalizeIban(dto.iban!) }, masked: maskIban(dto.iban!), bankCode: dto.bic!.toUpperCase() }
    : {
        details: { accountNumber: dto.account_number! },
        masked: maskAccountNumber(dto.account_number!),
        bankCode: dto.routing_number!,
      };
}

const toResponse = (a: StoredBankAccount): BankAccountResponseDto => ({
  user_id: a.userId,
  kind: a.kind,
  holder_name: a.holderName,
  account_masked: a.maskedAccount,
  bic: a.kind === 'iban' ? a.bankCode : null,
  routing_number: a.kind === 'us_ach' ? a.bankCode : null,
  account_type: a.accountType,
  updated_at: a.updatedAt.toISOString(),
});
