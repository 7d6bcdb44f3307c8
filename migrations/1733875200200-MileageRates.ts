import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mileage rate tables, managed by admins: the amount an organization pays per kilometre or mile
 * driven, by vehicle type, over a date range. `rate_milli_minor` is the rate in thousandths of a
 * minor unit per distance unit (0.655 USD/mi is 65500), so that fractional cents survive.
 * Ranges of the same (vehicle_type, unit) may not overlap: the service checks that under an
 * advisory lock of the key in the transaction that writes the rate.
 */
export class MileageRates1733875200200 implements MigrationInterface {
  name = 'MileageRates1733875200200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mileage_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        vehicle_type text NOT NULL CHECK (vehicle_type IN ('car', 'motorcycle', 'bicycle', 'electric_car')),
        unit text NOT NULL CHECK (unit IN ('km', 'mi')),
        rate_milli_minor bigint NOT NULL CHECK (rate_milli_minor > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        valid_from date NOT NULL,
        valid_to date,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT mileage_rates_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT mileage_rates_range CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await q.query(
      `CREATE INDEX mileage_rates_lookup_idx ON mileage_rates (organization_id, vehicle_type, unit, valid_from)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS mileage_rates`);
  }
}
