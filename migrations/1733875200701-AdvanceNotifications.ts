import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications about cash advances: their owner hears that an advance was approved, rejected or
 * paid (types `advance.approved`, `advance.rejected`, `advance.paid`, about entity `advance`);
 * an approver hears of an advance's step as of a spend's (`approval.assigned`, entity `approval`).
 * The lists keep what 1733875200400 (expense reports) allowed, which runs before this one.
 */
export class AdvanceNotifications1733875200701 implements MigrationInterface {
  name = 'AdvanceNotifications1733875200701';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('approval.assigned', 'spend.approved', 'spend.rejected', 'spend.blocked', 'spend.paid', 'receipt.processed', 'receipt.failed', 'expense_report.approved', 'expense_report.rejected', 'expense_report.paid', 'advance.approved', 'advance.rejected', 'advance.paid'))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN ('spend', 'approval', 'receipt', 'expense_report', 'advance'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE type LIKE 'advance.%' OR entity_type = 'advance'`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN ('spend', 'approval', 'receipt', 'expense_report'))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('approval.assigned', 'spend.approved', 'spend.rejected', 'spend.blocked', 'spend.paid', 'receipt.processed', 'receipt.failed', 'expense_report.approved', 'expense_report.rejected', 'expense_report.paid'))`,
    );
  }
}
