import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login throttling counts attempts before checking the password, in one counter row per
 * account (`user`: a user id; `email`: an address no user has) and per client address (`ip`),
 * instead of logging failures after the check: thirty wrong passwords sent at once all passed
 * the old check before any failure was logged. Counts of the old table are not carried over;
 * a lockout in force ends with the upgrade. login_failures stays for the previous version,
 * which still writes to it during a rolling upgrade; a later release drops it.
 */
export class LoginAttempts1733443200001 implements MigrationInterface {
  name = 'LoginAttempts1733443200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_attempts (
        kind text NOT NULL CHECK (kind IN ('user', 'email', 'ip')),
        key text NOT NULL,
        window_started_at timestamptz(3) NOT NULL,
        attempts integer NOT NULL CHECK (attempts >= 0),
        PRIMARY KEY (kind, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_attempts`);
  }
}
