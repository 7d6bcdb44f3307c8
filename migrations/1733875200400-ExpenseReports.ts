import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expense reports (trips): an owner groups their spends into a report that is approved as a
 * whole. `spends.expense_report_id` places a spend in at most one report; the foreign key on
 * (organization_id, expense_report_id, user_id) keeps it inside its organization and in a report
 * of its own owner. An expense report's approval steps carry `expense_report_id` (equal to
 * `subject_id`, set exactly for expense-report subjects), as spend subjects carry `spend_id`.
 * Notifications learn the expense-report types and entity.
 */
export class ExpenseReports1733875200400 implements MigrationInterface {
  name = 'ExpenseReports1733875200400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE expense_reports (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL,
        title text NOT NULL,
        purpose text,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        trip text,
        status text NOT NULL CONSTRAINT expense_reports_status_check
          CHECK (status IN ('draft', 'submitted', 'approved', 'partly_approved', 'rejected', 'paid')),
        approval_round integer NOT NULL DEFAULT 0,
        policy_evaluation jsonb,
        line_rejections jsonb NOT NULL DEFAULT '{}',
        submitted_at timestamptz,
        decided_at timestamptz,
        paid_at timestamptz,
        paid_by uuid,
        payment_reference text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT expense_reports_dates_check CHECK (ends_on >= starts_on),
        CONSTRAINT expense_reports_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT expense_reports_org_id_user_key UNIQUE (organization_id, id, user_id),
        CONSTRAINT expense_reports_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
        CONSTRAINT expense_reports_paid_by_fk FOREIGN KEY (organization_id, paid_by) REFERENCES users (organization_id, id)
      )
    `);
    await q.query(
      `CREATE INDEX expense_reports_org_user_idx ON expense_reports (organization_id, user_id, starts_on DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX expense_reports_org_starts_idx ON expense_reports (organization_id, starts_on DESC, id DESC)`,
    );

    await q.query(`ALTER TABLE spends ADD COLUMN expense_report_id uuid`);
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_expense_report_fk FOREIGN KEY (organization_id, expense_report_id) REFERENCES expense_reports (organization_id, id)`,
    );
    await q.query(
      `ALTER TABLE spends ADD CONSTRAINT spends_expense_report_owner_fk FOREIGN KEY (organization_id, expense_report_id, user_id) REFERENCES expense_reports (organization_id, id, user_id)`,
    );
    await q.query(
      `CREATE INDEX spends_org_expense_report_idx ON spends (organization_id, expense_report_id) WHERE expense_report_id IS NOT NULL`,
    );

    await q.query(`ALTER TABLE approvals ADD COLUMN expense_report_id uuid`);
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_expense_report_fk FOREIGN KEY (organization_id, expense_report_id) REFERENCES expense_reports (organization_id, id)`,
    );
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_expense_report_subject CHECK ((subject_type = 'expense_report') = (expense_report_id IS NOT NULL) AND (expense_report_id IS NULL OR expense_report_id = subject_id))`,
    );
    await q.query(
      `CREATE INDEX approvals_expense_report_idx ON approvals (organization_id, expense_report_id) WHERE expense_report_id IS NOT NULL`,
    );

    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted([...NOTIFICATION_TYPES, ...REPORT_TYPES])}))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN ('spend', 'approval', 'receipt', 'expense_report'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM notifications WHERE type IN (${quoted(REPORT_TYPES)}) OR entity_type = 'expense_report'`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN ('spend', 'approval', 'receipt'))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted(NOTIFICATION_TYPES)}))`,
    );
    await q.query(`DELETE FROM approvals WHERE subject_type = 'expense_report'`);
    await q.query(`DROP INDEX approvals_expense_report_idx`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_expense_report_subject`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_expense_report_fk`);
    await q.query(`ALTER TABLE approvals DROP COLUMN expense_report_id`);
    await q.query(`DROP INDEX spends_org_expense_report_idx`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_expense_report_owner_fk`);
    await q.query(`ALTER TABLE spends DROP CONSTRAINT spends_expense_report_fk`);
    await q.query(`ALTER TABLE spends DROP COLUMN expense_report_id`);
    await q.query(`DROP TABLE expense_reports`);
  }
}

const NOTIFICATION_TYPES = [
  'approval.assigned',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'receipt.processed',
  'receipt.failed',
];
const REPORT_TYPES = ['expense_report.approved', 'expense_report.rejected', 'expense_report.paid'];
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');
