import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval SLA clocks (docs/approvals-sla.md, "The clock").
 *
 * - `approval_sla_settings.deadlines_changed_at`: when the organization last changed a deadline
 *   (remind, escalate or auto-reject hours; not only the message). Deadlines count from the later
 *   of a step's `pending_since` and this moment, so that turning the SLA on (or changing it) does
 *   not act on the whole backlog at once. Backfilled from `updated_at`, the last change known.
 * - `approvals.assigned_at`: when an admin last reassigned the step (null: never). The reminder of
 *   its new approver counts from there; a reassignment clears `reminded_at`.
 */
export class ApprovalSlaClocks1733961600600 implements MigrationInterface {
  name = 'ApprovalSlaClocks1733961600600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE approval_sla_settings ADD COLUMN deadlines_changed_at timestamptz(3)`);
    await q.query(`UPDATE approval_sla_settings SET deadlines_changed_at = updated_at`);
    await q.query(
      `ALTER TABLE approval_sla_settings ALTER COLUMN deadlines_changed_at SET NOT NULL, ALTER COLUMN deadlines_changed_at SET DEFAULT now()`,
    );
    await q.query(`ALTER TABLE approvals ADD COLUMN assigned_at timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE approvals DROP COLUMN IF EXISTS assigned_at`);
    await q.query(`ALTER TABLE approval_sla_settings DROP COLUMN IF EXISTS deadlines_changed_at`);
  }
}
