import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Computed spends: `source = 'mileage'` is priced from the mileage rate in force on the spend
 * date, and `computation` keeps what it was computed from (the rate's id and value, the
 * distance), so that a rate deleted or changed later leaves the spend as it was. Null for
 * every other source.
 */
export class MileageSpends1733875200201 implements MigrationInterface {
  name = 'MileageSpends1733875200201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_source_check`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_source_check CHECK (source IN ('manual', 'ocr', 'import', 'card', 'mileage'))`,
    );
    await q.query(`ALTER TABLE spends ADD COLUMN computation jsonb`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_computation_source CHECK ((source = 'mileage') = (computation IS NOT NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The spends stay (their approvals, receipts and payments point at them, and they are the
    // books): typed ones now, at the amount they were priced at. Deleting them lost money records.
    await q.query(`UPDATE spends SET source = 'manual', computation = NULL WHERE source = 'mileage'`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_computation_source`);
    await q.query(`ALTER TABLE spends DROP COLUMN computation`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_source_check`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_source_check CHECK (source IN ('manual', 'ocr', 'import', 'card'))`,
    );
  }
}
