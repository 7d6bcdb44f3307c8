import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per diem spends: `source = 'per_diem'` is priced day by day from the per diem rates in force
 * over the trip, and, like a mileage spend, keeps what it was computed from in `computation`
 * (the days, the rate of each, the meals taken off). Computed spends are exactly the ones with
 * a computation.
 */
export class PerDiemSpends1733875200501 implements MigrationInterface {
  name = 'PerDiemSpends1733875200501';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_source_check`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_source_check CHECK (source IN ('manual', 'ocr', 'import', 'card', 'mileage', 'per_diem'))`,
    );
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_computation_source`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_computation_source CHECK ((source IN ('mileage', 'per_diem')) = (computation IS NOT NULL))`,
    );
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_computation_kind CHECK (computation IS NULL OR computation->>'kind' = source)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The spends stay (their approvals, receipts and payments point at them): typed ones now, at the amount they were priced at.
    await q.query(`UPDATE spends SET source = 'manual', computation = NULL WHERE source = 'per_diem'`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_computation_kind`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_computation_source`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_computation_source CHECK ((source = 'mileage') = (computation IS NOT NULL))`,
    );
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_source_check`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_source_check CHECK (source IN ('manual', 'ocr', 'import', 'card', 'mileage'))`,
    );
  }
}
