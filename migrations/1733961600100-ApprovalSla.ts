import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval reminders, escalation and auto-reject (docs/approvals-sla.md).
 *
 * - `approval_sla_settings`: one row per organization that turned any of them on; no row (or
 *   every column null) means off, so nothing changes for an organization that never set them.
 * - `approvals.pending_since`: when the step became the one to decide (its chain's submission
 *   for step 1, the previous step's approval for later ones). Backfilled for pending and decided
 *   steps from the previous step's decision, else the step's creation.
 * - `approvals.reminded_at`, `approvals.escalated_at`: each set once, by the sweep that claimed
 *   the step for that action (a conditional UPDATE), so that each happens exactly once.
 * - Notification types `approval.reminded` and `approval.escalated` (about an `approval`).
 */
/** Notification types and entities as 1733961600000 (approval delegations) left them. */
const TYPES_BEFORE = [
  'approval.assigned',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'receipt.processed',
  'receipt.failed',
  'expense_report.approved',
  'expense_report.rejected',
  'expense_report.paid',
  'advance.approved',
  'advance.rejected',
  'advance.paid',
  'approval.delegated',
];
const NEW_TYPES = ['approval.reminded', 'approval.escalated'];
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export class ApprovalSla1733961600100 implements MigrationInterface {
  name = 'ApprovalSla1733961600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE approval_sla_settings (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        remind_after_hours integer CHECK (remind_after_hours BETWEEN 1 AND 720),
        escalate_after_hours integer CHECK (escalate_after_hours BETWEEN 1 AND 2160),
        auto_reject_after_days integer CHECK (auto_reject_after_days BETWEEN 1 AND 365),
        auto_reject_message text CHECK (auto_reject_message IS NULL OR length(auto_reject_message) BETWEEN 1 AND 1000),
        updated_by uuid NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT approval_sla_settings_updated_by_fk FOREIGN KEY (organization_id, updated_by) REFERENCES users (organization_id, id),
        CONSTRAINT approval_sla_settings_escalate_after_remind CHECK (escalate_after_hours IS NULL OR remind_after_hours IS NULL OR escalate_after_hours > remind_after_hours),
        CONSTRAINT approval_sla_settings_reject_after_escalate CHECK (auto_reject_after_days IS NULL OR auto_reject_after_days * 24 > GREATEST(coalesce(escalate_after_hours, 0), coalesce(remind_after_hours, 0))),
        CONSTRAINT approval_sla_settings_reject_message CHECK (auto_reject_after_days IS NULL OR auto_reject_message IS NOT NULL)
      )`);
    await q.query(`ALTER TABLE approvals ADD COLUMN pending_since timestamptz(3)`);
    await q.query(`ALTER TABLE approvals ADD COLUMN reminded_at timestamptz(3)`);
    await q.query(`ALTER TABLE approvals ADD COLUMN escalated_at timestamptz(3)`);
    await q.query(`
      UPDATE approvals a SET pending_since = coalesce(
        (SELECT max(p.decided_at) FROM approvals p
          WHERE p.organization_id = a.organization_id AND p.subject_type = a.subject_type AND p.subject_id = a.subject_id
            AND p.round = a.round AND p.step < a.step),
        a.created_at)
      WHERE a.status IN ('pending', 'approved', 'rejected')`);
    // The sweep's scan: pending steps by organization, oldest first.
    await q.query(
      `CREATE INDEX approvals_pending_since_idx ON approvals (organization_id, pending_since) WHERE status = 'pending'`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted([...TYPES_BEFORE, ...NEW_TYPES])}))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE type IN (${quoted(NEW_TYPES)})`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted(TYPES_BEFORE)}))`,
    );
    await q.query(`DROP INDEX IF EXISTS approvals_pending_since_idx`);
    await q.query(`ALTER TABLE approvals DROP COLUMN IF EXISTS escalated_at`);
    await q.query(`ALTER TABLE approvals DROP COLUMN IF EXISTS reminded_at`);
    await q.query(`ALTER TABLE approvals DROP COLUMN IF EXISTS pending_since`);
    await q.query(`DROP TABLE IF EXISTS approval_sla_settings`);
  }
}
