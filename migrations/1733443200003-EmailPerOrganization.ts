import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail addresses are unique within an organization, no longer across Spendin: an admin who
 * was refused an address with 409 learnt that another organization had it. Login looks users
 * up by e-mail alone, hence the index on the address.
 */
export class EmailPerOrganization1733443200003 implements MigrationInterface {
  name = 'EmailPerOrganization1733443200003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX users_org_email_key ON users (organization_id, email)`);
    await q.query(`CREATE INDEX users_email_idx ON users (email)`);
    await q.query(`DROP INDEX users_email_key`);
  }

  /** Fails, naming the duplicate, once two organizations share an address. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`DROP INDEX users_email_idx`);
    await q.query(`DROP INDEX users_org_email_key`);
  }
}
