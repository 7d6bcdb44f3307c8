import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The accountant role: a user may now hold `accountant` beside the ladder's four roles. It
 * reads the organization's books and manages their codes; it never approves nor pays, and
 * approvals never name it (`approver_role` stays finance or admin).
 */
export class AccountantRole1733788800300 implements MigrationInterface {
  name = 'AccountantRole1733788800300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('employee', 'manager', 'finance', 'admin', 'accountant'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // An accountant cannot keep a role the older schema does not know: they become employees.
    await q.query(`UPDATE users SET role = 'employee' WHERE role = 'accountant'`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('employee', 'manager', 'finance', 'admin'))`,
    );
  }
}
