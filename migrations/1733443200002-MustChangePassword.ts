import { MigrationInterface, QueryRunner } from 'typeorm';

/** An admin can require a user to choose a new password before doing anything else. */
export class MustChangePassword1733443200002 implements MigrationInterface {
  name = 'MustChangePassword1733443200002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN must_change_password`);
  }
}
