import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation's operators (the `super_admin` of docs/security.md): people outside every
 * organization, created by the CLI, who create and suspend organizations and open the queue
 * board. Their own table, not rows of `users`: a user always belongs to one organization, and
 * every tenant query stays scoped by it. An organization can now be suspended (by an operator,
 * with a reason), and the login throttle counts operators' attempts under a kind of their own.
 */
export class Operators1733788800400 implements MigrationInterface {
  name = 'Operators1733788800400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operators (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        password_hash text NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz
      )`);
    await q.query(`
      ALTER TABLE organizations
        ADD COLUMN suspended_at timestamptz,
        ADD COLUMN suspension_reason text,
        ADD COLUMN suspended_by uuid REFERENCES operators(id)`);
    await q.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check`);
    await q.query(
      `ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check CHECK (kind IN ('user', 'email', 'ip', 'mfa', 'reset_email', 'reset_ip', 'operator'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM login_attempts WHERE kind = 'operator'`);
    await q.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check`);
    await q.query(
      `ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check CHECK (kind IN ('user', 'email', 'ip', 'mfa', 'reset_email', 'reset_ip'))`,
    );
    await q.query(
      `ALTER TABLE organizations DROP COLUMN suspended_by, DROP COLUMN suspension_reason, DROP COLUMN suspended_at`,
    );
    await q.query(`DROP TABLE operators`);
  }
}
