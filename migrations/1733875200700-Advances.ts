import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cash advances: money an employee asks for before spending it (amount, purpose, when it is
 * needed), decided by an approval chain like a spend and paid out by finance. The amount is kept
 * in its currency and in the organization's base currency at the rate of the request's day.
 * `requested` → `approved` / `rejected`, `approved` → `paid`; the owner may withdraw a
 * `requested` advance (`cancelled`). A paid advance names when, by whom and the payment's
 * reference, and only a paid one does.
 *
 * Approval steps of an advance carry `advance_id` (equal to `subject_id`, set exactly for advance
 * subjects), with a composite foreign key, as a spend's steps carry `spend_id`.
 */
export class Advances1733875200700 implements MigrationInterface {
  name = 'Advances1733875200700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE advances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL,
        amount_minor bigint NOT NULL CONSTRAINT advances_amount_check CHECK (amount_minor > 0),
        currency char(3) NOT NULL CONSTRAINT advances_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        base_amount_minor bigint NOT NULL CONSTRAINT advances_base_amount_check CHECK (base_amount_minor >= 0),
        base_currency char(3) NOT NULL,
        exchange_rate numeric(24, 12) NOT NULL CONSTRAINT advances_exchange_rate_check CHECK (exchange_rate > 0),
        purpose text NOT NULL CONSTRAINT advances_purpose_check CHECK (length(purpose) BETWEEN 1 AND 500),
        needed_by date,
        status text NOT NULL CONSTRAINT advances_status_check
          CHECK (status IN ('requested', 'approved', 'rejected', 'cancelled', 'paid')),
        policy_evaluation jsonb NOT NULL,
        approval_round integer NOT NULL DEFAULT 1,
        decided_at timestamptz,
        paid_at timestamptz,
        paid_by uuid,
        paid_reference text CONSTRAINT advances_paid_reference_check CHECK (length(paid_reference) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT advances_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT advances_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
        CONSTRAINT advances_paid_by_fk FOREIGN KEY (organization_id, paid_by) REFERENCES users (organization_id, id),
        CONSTRAINT advances_paid_check CHECK (
          (status = 'paid') = (paid_at IS NOT NULL AND paid_by IS NOT NULL AND paid_reference IS NOT NULL)
        ),
        CONSTRAINT advances_decided_check CHECK (status = 'requested' OR decided_at IS NOT NULL)
      )
    `);
    await q.query(`CREATE INDEX advances_list_idx ON advances (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX advances_user_idx ON advances (organization_id, user_id, created_at DESC, id DESC)`);

    await q.query(`ALTER TABLE approvals ADD COLUMN advance_id uuid`);
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_advance_fk FOREIGN KEY (organization_id, advance_id) REFERENCES advances (organization_id, id)`,
    );
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_advance_subject CHECK ((subject_type = 'advance') = (advance_id IS NOT NULL) AND (advance_id IS NULL OR advance_id = subject_id))`,
    );
    await q.query(
      `CREATE INDEX approvals_advance_idx ON approvals (organization_id, advance_id) WHERE advance_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM approvals WHERE subject_type = 'advance'`);
    await q.query(`DROP INDEX approvals_advance_idx`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_advance_subject`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_advance_fk`);
    await q.query(`ALTER TABLE approvals DROP COLUMN advance_id`);
    await q.query(`DROP TABLE advances`);
  }
}
