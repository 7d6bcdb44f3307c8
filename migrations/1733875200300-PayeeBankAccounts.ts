import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payee bank details: one account per user, where reimbursements are paid. The numbers are
 * sealed (SecretBox, SECRETS_KEY) in `sealed_details`; only their masked form is kept in clear,
 * for the answers that show them, beside the bank's public identifier (`bank_code`: the BIC for
 * `iban`, the ABA routing number for `us_ach`).
 */
export class PayeeBankAccounts1733875200300 implements MigrationInterface {
  name = 'PayeeBankAccounts1733875200300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payee_bank_accounts (
        organization_id uuid NOT NULL,
        user_id uuid NOT NULL,
        kind text NOT NULL CONSTRAINT payee_bank_accounts_kind_check CHECK (kind IN ('iban', 'us_ach')),
        holder_name text NOT NULL,
        masked_account text NOT NULL,
        bank_code text NOT NULL,
        account_type text CONSTRAINT payee_bank_accounts_account_type_check CHECK (account_type IN ('checking', 'savings')),
        sealed_details text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payee_bank_accounts_pkey PRIMARY KEY (organization_id, user_id),
        CONSTRAINT payee_bank_accounts_user_fk FOREIGN KEY (organization_id, user_id)
          REFERENCES users (organization_id, id) ON DELETE CASCADE,
        CONSTRAINT payee_bank_accounts_kind_fields_check CHECK (
          (kind = 'iban' AND account_type IS NULL) OR (kind = 'us_ach' AND account_type IS NOT NULL)
        )
      )
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payee_bank_accounts`);
  }
}
