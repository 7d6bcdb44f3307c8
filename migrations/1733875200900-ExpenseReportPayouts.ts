import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expense reports paid through payout batches: a report is one batch line (`item_type`
 * `expense_report`), reimbursing its owner the report's balance in the base currency.
 *
 * - `expense_reports.payout_batch_id`: the batch an approved report is reserved for, kept on the
 *   report as `spends.payout_batch_id` is on a spend (1733875200600), so that the report's module
 *   can refuse a second reservation without reading payout tables. Checked at commit, like the
 *   spends' key: a batch reserves its items before it is written, in the same transaction.
 * - `payout_batch_lines_item_type_check` widened to `expense_report`.
 *
 * `down` deletes the lines of expense reports (the batches' counts and totals still include
 * them): the narrower check could not hold otherwise.
 */
export class ExpenseReportPayouts1733875200900 implements MigrationInterface {
  name = 'ExpenseReportPayouts1733875200900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE expense_reports ADD COLUMN payout_batch_id uuid`);
    await q.query(`
      ALTER TABLE expense_reports ADD CONSTRAINT expense_reports_payout_batch_fk FOREIGN KEY (organization_id, payout_batch_id)
        REFERENCES payout_batches (organization_id, id) DEFERRABLE INITIALLY DEFERRED
    `);
    // What GET /payout-batches/payable?item_type=expense_report reads: decided reports not reserved, by end date.
    await q.query(`
      CREATE INDEX expense_reports_payable_idx ON expense_reports (organization_id, ends_on, id)
        WHERE status IN ('approved', 'partly_approved') AND payout_batch_id IS NULL
    `);
    await q.query(`ALTER TABLE payout_batch_lines DROP CONSTRAINT payout_batch_lines_item_type_check`);
    await q.query(`
      ALTER TABLE payout_batch_lines ADD CONSTRAINT payout_batch_lines_item_type_check
        CHECK (item_type IN ('spend', 'expense_report'))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM payout_batch_lines WHERE item_type = 'expense_report'`);
    await q.query(`ALTER TABLE payout_batch_lines DROP CONSTRAINT payout_batch_lines_item_type_check`);
    await q.query(`
      ALTER TABLE payout_batch_lines ADD CONSTRAINT payout_batch_lines_item_type_check CHECK (item_type IN ('spend'))
    `);
    await q.query(`DROP INDEX expense_reports_payable_idx`);
    await q.query(`ALTER TABLE expense_reports DROP CONSTRAINT expense_reports_payout_batch_fk`);
    await q.query(`ALTER TABLE expense_reports DROP COLUMN payout_batch_id`);
  }
}
