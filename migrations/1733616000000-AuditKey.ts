import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyed audit chains: each entry written from now on is an HMAC with AUDIT_KEY, a secret held
 * outside the database, and names the key in `key_id`. Earlier entries keep their plain SHA-256
 * (key_id null) and stay verifiable; the first keyed entry's HMAC covers their last hash.
 */
export class AuditKey1733616000000 implements MigrationInterface {
  name = 'AuditKey1733616000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_logs ADD COLUMN key_id text`);
    await q.query(`ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_key_id_check CHECK (key_id ~ '^[0-9a-f]{16}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_logs DROP COLUMN key_id`);
  }
}
