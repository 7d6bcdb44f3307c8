import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An advance may be linked to one expense report of its owner, whose balance it then offsets
 * once paid. The foreign key on (organization_id, expense_report_id, user_id) keeps the link
 * inside the organization and to a report of the advance's own owner (the unique key
 * `expense_reports_org_id_user_key` it needs exists since 1733875200400). Deleting a report
 * (only a draft never submitted can be deleted) unlinks its advances: `ON DELETE SET NULL
 * (expense_report_id)` clears that one column, never organization_id or user_id.
 */
export class AdvanceReportLinks1733875200800 implements MigrationInterface {
  name = 'AdvanceReportLinks1733875200800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE advances ADD COLUMN expense_report_id uuid`);
    await q.query(
      `ALTER TABLE advances ADD CONSTRAINT advances_expense_report_fk FOREIGN KEY (organization_id, expense_report_id, user_id)
         REFERENCES expense_reports (organization_id, id, user_id) ON DELETE SET NULL (expense_report_id)`,
    );
    await q.query(
      `CREATE INDEX advances_expense_report_idx ON advances (organization_id, expense_report_id) WHERE expense_report_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX advances_expense_report_idx`);
    await q.query(`ALTER TABLE advances DROP CONSTRAINT advances_expense_report_fk`);
    await q.query(`ALTER TABLE advances DROP COLUMN expense_report_id`);
  }
}
