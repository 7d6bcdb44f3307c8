import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';

export type BankAccountKind = 'iban' | 'us_ach';
export type AchAccountType = 'checking' | 'savings';

/** A payee's bank account as stored: the numbers only sealed, beside their masked form. */
export interface StoredBankAccount {
  organizationId: string;
  userId: string;
  kind: BankAccountKind;
  holderName: string;
  maskedAccount: string;
  bankCode: string;
  accountType: AchAccountType | null;
  sealedDetails: string;
  updatedAt: Date;
}

interface Row {
  organization_id: string;
  user_id: string;
  kind: BankAccountKind;
  holder_name: string;
  masked_account: string;
  bank_code: string;
  account_type: AchAccountType | null;
  sealed_details: string;
  updated_at: Date;
}

const COLUMNS =
  'organization_id, user_id, kind, holder_name, masked_account, bank_code, account_type, sealed_details, updated_at';

const toAccount = (r: Row): StoredBankAccount => ({
  organizationId: r.organization_id,
  userId: r.user_id,
  kind: r.kind,
  holderName: r.holder_name,
  maskedAccount: r.masked_account,
  bankCode: r.bank_code,
  accountType: r.account_type,
  sealedDetails: r.sealed_details,
  updatedAt: r.updated_at,
});

/** Payee bank accounts, one per user, always scoped by organization. */
@Injectable()
export class BankAccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(organizationId: string, userId: string): Promise<StoredBankAccount | null> {
    const [row] = await runSql<Row>(this.dataSource, FIND, [organizationId, userId]);
    return row ? toAccount(row) : null;
  }

  /** The accounts of these users that are on file (a user without one is simply absent). */
  async findMany(db: EntityManager | null, organizationId: string, userIds: string[]): Promise<StoredBankAccount[]> {
    return (await runSql<Row>(db ?? this.dataSource, FIND_MANY, [organizationId, userIds])).map(toAccount);
  }

  /** Whether the user belongs to the organization (another organization's user is as absent). */
  async userExists(organizationId: string, userId: string): Promise<boolean> {
    return (await runSql(this.dataSource, USER_EXISTS, [organizationId, userId])).length > 0;
  }

  /** Inserts or replaces the user's account; answers it and whether one was there before. */
  async upsert(
    tx: EntityManager,
    account: Omit<StoredBankAccount, 'updatedAt'>,
  ): Promise<{ account: StoredBankAccount; replaced: boolean }> {
    const [row] = await runSql<Row & { replaced: boolean }>(tx, UPSERT, [
      account.organizationId,
      account.userId,
      account.kind,
      account.holderName,
      account.maskedAccount,
      account.bankCode,
      account.accountType,
      account.sealedDetails,
    ]);
    return { account: toAccount(row), replaced: row.replaced };
  }

  async delete(tx: EntityManager, organizationId: string, userId: string): Promise<StoredBankAccount | null> {
    const [row] = await runSql<Row>(tx, DELETE, [organizationId, userId]);
    return row ? toAccount(row) : null;
  }
}

const FIND: Statement = {
  name: 'payee_bank_accounts.find',
  text: `SELECT ${COLUMNS} FROM payee_bank_accounts WHERE organization_id = $1 AND user_id = $2`,
};

const FIND_MANY: Statement = {
  name: 'payee_bank_accounts.find_many',
  text: `SELECT ${COLUMNS} FROM payee_bank_accounts WHERE organization_id = $1 AND user_id = ANY($2::uuid[])`,
};

const USER_EXISTS: Statement = {
  name: 'payee_bank_accounts.user_exists',
  text: `SELECT 1 FROM users WHERE organization_id = $1 AND id = $2`,
};

const UPSERT: Statement = {
  name: 'payee_bank_accounts.upsert',
  text: `
    INSERT INTO payee_bank_accounts (organization_id, user_id, kind, holder_name, masked_account, bank_code, account_type, sealed_details)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (organization_id, user_id) DO UPDATE SET
      kind = EXCLUDED.kind, holder_name = EXCLUDED.holder_name, masked_account = EXCLUDED.masked_account,
      bank_code = EXCLUDED.bank_code, account_type = EXCLUDED.account_type, sealed_details = EXCLUDED.sealed_details,
      updated_at = now()
    RETURNING ${COLUMNS}, (xmax <> 0) AS replaced`,
};

const DELETE: Statement = {
  name: 'payee_bank_accounts.delete',
  text: `DELETE FROM payee_bank_accounts WHERE organization_id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
};
