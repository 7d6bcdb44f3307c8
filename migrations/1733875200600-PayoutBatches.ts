import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payout batches: finance gathers approved, unpaid items (spends now, expense reports later)
 * into a batch of one currency, exports it as a bank file (SEPA pain.001 for EUR, NACHA PPD for
 * USD) and marks it paid, line by line.
 *
 * - `payout_settings`: the organization's side of the files, one row per organization: the
 *   debtor of SEPA transfers, the originator of NACHA entries.
 * - `payout_batches`: `open → exported → paid`, or `cancelled` before it is paid; totals in the
 *   batch's currency and in the organization's base currency (each item's own conversion, as
 *   the spend stored it; null if the items were converted into different base currencies).
 * - `payout_batch_lines`: one per item, by `item_type` and `item_id` (no foreign key: the item
 *   lives in its module's table), `pending` while the batch is open or exported, then `paid`,
 *   `failed` (its item returned to approved) or `cancelled` with the batch. An item is on at
 *   most one pending or paid line: the partial unique index keeps it out of a second batch and
 *   from being paid twice, whatever a use case does.
 * - `spends.payout_batch_id`: the batch an approved spend is reserved for. Spends keep this
 *   fact themselves, so that paying one singly can refuse it without reading payout tables.
 *   The foreign key is checked at commit: a batch reserves its items before it knows their
 *   currency, and is written once it does, in the same transaction.
 */
export class PayoutBatches1733875200600 implements MigrationInterface {
  name = 'PayoutBatches1733875200600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payout_settings (
        organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        sepa_debtor_name text,
        sepa_debtor_iban text,
        sepa_debtor_bic text,
        nacha_immediate_destination text,
        nacha_immediate_destination_name text,
        nacha_immediate_origin text,
        nacha_immediate_origin_name text,
        nacha_company_name text,
        nacha_company_id text,
        nacha_odfi_routing text,
        updated_by uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payout_settings_updated_by_fk FOREIGN KEY (organization_id, updated_by)
          REFERENCES users (organization_id, id),
        CONSTRAINT payout_settings_sepa_whole_check CHECK (
          num_nulls(sepa_debtor_name, sepa_debtor_iban, sepa_debtor_bic) IN (0, 3)
        ),
        CONSTRAINT payout_settings_nacha_whole_check CHECK (
          num_nulls(nacha_immediate_destination, nacha_immediate_destination_name, nacha_immediate_origin,
                    nacha_immediate_origin_name, nacha_company_name, nacha_company_id, nacha_odfi_routing) IN (0, 7)
        )
      )
    `);
    await q.query(`
      CREATE TABLE payout_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        status text NOT NULL DEFAULT 'open'
          CONSTRAINT payout_batches_status_check CHECK (status IN ('open', 'exported', 'paid', 'cancelled')),
        rail text NOT NULL CONSTRAINT payout_batches_rail_check CHECK (rail IN ('sepa', 'nacha')),
        currency char(3) NOT NULL,
        line_count integer NOT NULL CONSTRAINT payout_batches_line_count_check CHECK (line_count >= 0),
        total_minor bigint NOT NULL CONSTRAINT payout_batches_total_check CHECK (total_minor >= 0),
        base_currency char(3),
        base_total_minor bigint,
        paid_total_minor bigint,
        execution_date date NOT NULL,
        reference text,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        exported_by uuid,
        exported_at timestamptz,
        paid_by uuid,
        paid_at timestamptz,
        cancelled_by uuid,
        cancelled_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payout_batches_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT payout_batches_rail_currency_check CHECK (
          (rail = 'sepa' AND currency = 'EUR') OR (rail = 'nacha' AND currency = 'USD')
        ),
        CONSTRAINT payout_batches_created_by_fk FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
        CONSTRAINT payout_batches_exported_by_fk FOREIGN KEY (organization_id, exported_by) REFERENCES users (organization_id, id),
        CONSTRAINT payout_batches_paid_by_fk FOREIGN KEY (organization_id, paid_by) REFERENCES users (organization_id, id),
        CONSTRAINT payout_batches_cancelled_by_fk FOREIGN KEY (organization_id, cancelled_by) REFERENCES users (organization_id, id)
      )
    `);
    await q.query(
      `CREATE INDEX payout_batches_org_created_idx ON payout_batches (organization_id, created_at DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE payout_batch_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        batch_id uuid NOT NULL,
        position integer NOT NULL CONSTRAINT payout_batch_lines_position_check CHECK (position >= 1),
        item_type text NOT NULL CONSTRAINT payout_batch_lines_item_type_check CHECK (item_type IN ('spend')),
        item_id uuid NOT NULL,
        payee_user_id uuid NOT NULL,
        amount_minor bigint NOT NULL CONSTRAINT payout_batch_lines_amount_check CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        base_amount_minor bigint NOT NULL,
        item_date date NOT NULL,
        description text,
        status text NOT NULL DEFAULT 'pending'
          CONSTRAINT payout_batch_lines_status_check CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payout_batch_lines_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT payout_batch_lines_position_key UNIQUE (organization_id, batch_id, position),
        CONSTRAINT payout_batch_lines_batch_fk FOREIGN KEY (organization_id, batch_id)
          REFERENCES payout_batches (organization_id, id) ON DELETE CASCADE,
        CONSTRAINT payout_batch_lines_payee_fk FOREIGN KEY (organization_id, payee_user_id)
          REFERENCES users (organization_id, id),
        CONSTRAINT payout_batch_lines_failure_check CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
      )
    `);
    await q.query(`
      CREATE UNIQUE INDEX payout_batch_lines_live_item_key ON payout_batch_lines (organization_id, item_type, item_id)
        WHERE status IN ('pending', 'paid')
    `);
    await q.query(`ALTER TABLE spends ADD COLUMN payout_batch_id uuid`);
    await q.query(`
      ALTER TABLE spends ADD CONSTRAINT spends_payout_batch_fk FOREIGN KEY (organization_id, payout_batch_id)
        REFERENCES payout_batches (organization_id, id) DEFERRABLE INITIALLY DEFERRED
    `);
    // What GET /payout-batches/payable reads: approved spends not reserved, by date.
    await q.query(`
      CREATE INDEX spends_payable_idx ON spends (organization_id, spend_date, id)
        WHERE status = 'approved' AND payout_batch_id IS NULL
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX spends_payable_idx`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_payout_batch_fk`);
    await q.query(`ALTER TABLE spends DROP COLUMN payout_batch_id`);
    await q.query(`DROP TABLE payout_batch_lines`);
    await q.query(`DROP TABLE payout_batches`);
    await q.query(`DROP TABLE payout_settings`);
  }
}
