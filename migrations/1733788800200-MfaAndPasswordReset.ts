import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TOTP second factor and password reset by e-mail.
 *
 * - `user_mfa`: one TOTP enrolment per user, its secret sealed with SECRETS_KEY (context: the
 *   user id), active once `confirmed_at` is set; `last_step` is the last time step a code was
 *   accepted for, so that a code is never accepted twice.
 * - `mfa_recovery_codes`: ten per confirmed enrolment, a keyed digest of each (never the code),
 *   each spent once.
 * - `mfa_challenges`: the second step of a login, `<id>.<secret>` of which only a SHA-256 is
 *   stored; short-lived and single use.
 * - `password_reset_tokens`: the same shape, for a reset sent by e-mail.
 * - `login_attempts` counts wrong codes (`mfa`, per user) and reset requests (`reset_email`,
 *   `reset_ip`) beside the login counters.
 */
export class MfaAndPasswordReset1733788800200 implements MigrationInterface {
  name = 'MfaAndPasswordReset1733788800200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check`);
    await q.query(
      `ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check
         CHECK (kind IN ('user', 'email', 'ip', 'mfa', 'reset_email', 'reset_ip'))`,
    );
    await q.query(`
      CREATE TABLE user_mfa (
        user_id uuid PRIMARY KEY,
        organization_id uuid NOT NULL,
        secret_sealed text NOT NULL,
        confirmed_at timestamptz(3),
        last_step bigint,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT user_mfa_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        user_id uuid NOT NULL,
        code_digest text NOT NULL,
        used_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT mfa_recovery_codes_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id)`);
    for (const table of ['mfa_challenges', 'password_reset_tokens']) {
      await q.query(`
        CREATE TABLE ${table} (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          organization_id uuid NOT NULL,
          user_id uuid NOT NULL,
          secret_hash text NOT NULL,
          expires_at timestamptz(3) NOT NULL,
          used_at timestamptz(3),
          created_at timestamptz(3) NOT NULL DEFAULT now(),
          CONSTRAINT ${table}_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
        )`);
      await q.query(`CREATE INDEX ${table}_user_idx ON ${table} (user_id)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['password_reset_tokens', 'mfa_challenges', 'mfa_recovery_codes', 'user_mfa'])
      await q.query(`DROP TABLE ${table}`);
    await q.query(`DELETE FROM login_attempts WHERE kind IN ('mfa', 'reset_email', 'reset_ip')`);
    await q.query(`ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check`);
    await q.query(
      `ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check CHECK (kind IN ('user', 'email', 'ip'))`,
    );
  }
}
