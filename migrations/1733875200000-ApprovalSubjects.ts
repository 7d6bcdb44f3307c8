import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval steps decide a *subject*: a spend, an expense report or an advance. `subject_type` and
 * `subject_id` name it; `subject_owner_id` (was `spend_owner_id`) is whoever may not approve it.
 * A spend's steps keep `spend_id` and its composite foreign key to spends (the column equals
 * `subject_id` and is set exactly for spend subjects); the modules that own the other subjects
 * add their own typed reference the same way. Chains are unique per subject, round and step.
 */
export class ApprovalSubjects1733875200000 implements MigrationInterface {
  name = 'ApprovalSubjects1733875200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE approvals RENAME COLUMN spend_owner_id TO subject_owner_id`);
    await q.query(
      `ALTER TABLE approvals ADD COLUMN subject_type text NOT NULL DEFAULT 'spend' CHECK (subject_type IN ('spend', 'expense_report', 'advance'))`,
    );
    await q.query(`ALTER TABLE approvals ADD COLUMN subject_id uuid`);
    await q.query(`UPDATE approvals SET subject_id = spend_id`);
    await q.query(`ALTER TABLE approvals ALTER COLUMN subject_id SET NOT NULL`);
    await q.query(`ALTER TABLE approvals ALTER COLUMN subject_type DROP DEFAULT`);
    await q.query(`ALTER TABLE approvals ALTER COLUMN spend_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_spend_subject CHECK ((subject_type = 'spend') = (spend_id IS NOT NULL) AND (spend_id IS NULL OR spend_id = subject_id))`,
    );
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_step_key`);
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_step_key UNIQUE (organization_id, subject_type, subject_id, round, step)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM approvals WHERE subject_type <> 'spend'`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_step_key`);
    await q.query(`ALTER TABLE approvals ADD CONSTRAINT approvals_step_key UNIQUE (spend_id, round, step)`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_spend_subject`);
    await q.query(`ALTER TABLE approvals ALTER COLUMN spend_id SET NOT NULL`);
    await q.query(`ALTER TABLE approvals DROP COLUMN subject_id`);
    await q.query(`ALTER TABLE approvals DROP COLUMN subject_type`);
    await q.query(`ALTER TABLE approvals RENAME COLUMN subject_owner_id TO spend_owner_id`);
  }
}
