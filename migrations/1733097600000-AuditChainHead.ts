import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_chain_head(org)`: takes the organization's audit-chain lock and answers the chain's
 * head and the database's clock, in one round trip instead of two.
 *
 * An organization's appends run one at a time, from taking this lock through commit, so that
 * stretch bounds how many changes per second one organization can make; each round trip in it
 * waits for the API process to answer. Reading the head in the same plain statement as taking
 * the lock would not do: under READ COMMITTED a statement's snapshot is taken before the lock
 * is granted, and could miss the entry the previous holder just committed. A VOLATILE
 * function's queries each take a fresh snapshot, so the head is read after the lock is held.
 */
export class AuditChainHead1733097600000 implements MigrationInterface {
  name = 'AuditChainHead1733097600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_chain_head(org uuid) RETURNS TABLE (hash text, now timestamptz)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_logs:' || org, 0));
        RETURN QUERY SELECT (SELECT a.hash FROM audit_logs a WHERE a.organization_id = org ORDER BY a.seq DESC LIMIT 1), clock_timestamp();
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_chain_head(uuid)`);
  }
}
