import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per diem rate tables, managed by admins: what an organization pays per day of a business trip
 * to a country, or to one city of it, over a date range. Amounts are minor units of `currency`;
 * a meal provided takes its percent of `full_day_minor` off that day.
 *
 * Ranges of one (organization, country, city) may not overlap. The service checks that under an
 * advisory lock of the key (for a 409 naming the clashing rate), and the exclusion constraint
 * holds it whatever writes: `btree_gist` lets one GiST index compare the key's columns with `=`
 * and the ranges with `&&`. City names compare case-insensitively; a null city is the
 * country's rate, its own key.
 */
export class PerDiemRates1733875200500 implements MigrationInterface {
  name = 'PerDiemRates1733875200500';

  async up(q: QueryRunner): Promise<void> {
    // A trusted extension since PostgreSQL 13: the database owner creates it without superuser.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE per_diem_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        city text CHECK (city IS NULL OR length(city) BETWEEN 1 AND 100),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        full_day_minor bigint NOT NULL CHECK (full_day_minor > 0),
        partial_day_minor bigint NOT NULL CHECK (partial_day_minor > 0),
        breakfast_deduction_percent smallint NOT NULL DEFAULT 0 CHECK (breakfast_deduction_percent BETWEEN 0 AND 100),
        lunch_deduction_percent smallint NOT NULL DEFAULT 0 CHECK (lunch_deduction_percent BETWEEN 0 AND 100),
        dinner_deduction_percent smallint NOT NULL DEFAULT 0 CHECK (dinner_deduction_percent BETWEEN 0 AND 100),
        valid_from date NOT NULL,
        valid_to date,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT per_diem_rates_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT per_diem_rates_range CHECK (valid_to IS NULL OR valid_to >= valid_from),
        CONSTRAINT per_diem_rates_partial_day CHECK (partial_day_minor <= full_day_minor),
        CONSTRAINT per_diem_rates_no_overlap EXCLUDE USING gist (
          organization_id WITH =,
          country WITH =,
          (lower(coalesce(city, ''))) WITH =,
          daterange(valid_from, valid_to, '[]') WITH &&
        )
      )`);
    // The list (by country, then start date) and the pricing's lookup of a country's rates over a trip.
    await q.query(`CREATE INDEX per_diem_rates_lookup_idx ON per_diem_rates (organization_id, country, valid_from)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // btree_gist stays: dropping an extension other objects may have come to use is not this migration's call.
    await q.query(`DROP TABLE IF EXISTS per_diem_rates`);
  }
}
