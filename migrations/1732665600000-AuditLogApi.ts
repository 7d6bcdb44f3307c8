import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the audit log's read API, and the chain's shape enforced by the database.
 *
 * Every list, export and verification query starts with `organization_id` and reads entries
 * newest (or, to verify, oldest) first by `seq`. Each filter gets an index that starts with
 * (organization_id, <filter>) and ends in seq, so a page is an index range read in order:
 * `action`, `entity_type`, `entity_id` (alone; replacing the old (entity_type, entity_id)
 * index, since ids do not repeat across entity types) and `actor_id`; `created_at` (from/to)
 * gets a plain range index.
 *
 * `seq` was unique on its own. With that index PostgreSQL reads "newest first" for one
 * organization by walking every tenant's entries backwards and discarding the others' (measured
 * on 1M entries: 47,000 rows read for a page of 20 of a tenant that was quiet lately). `seq`
 * comes from a sequence, so its uniqueness is now enforced per organization, which is what the
 * chain's order needs, by the (organization_id, seq) index every query walks instead.
 *
 * `audit_logs_chain_key`: no two entries of an organization may name the same previous entry,
 * and only one may start the chain (prev_hash NULL, hence NULLS NOT DISTINCT). The writer's
 * advisory lock already keeps appends in line; this makes a fork impossible even for a writer
 * that bypasses it (a second code path, a transaction at REPEATABLE READ that reads a stale head).
 */
export class AuditLogApi1732665600000 implements MigrationInterface {
  name = 'AuditLogApi1732665600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX audit_logs_org_seq_key ON audit_logs (organization_id, seq DESC)`);
    await q.query(`DROP INDEX audit_logs_org_seq_idx`);
    await q.query(`ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_seq_key`);
    await q.query(`CREATE INDEX audit_logs_org_action_idx ON audit_logs (organization_id, action, seq DESC)`);
    await q.query(`CREATE INDEX audit_logs_org_entity_type_idx ON audit_logs (organization_id, entity_type, seq DESC)`);
    await q.query(`CREATE INDEX audit_logs_org_entity_id_idx ON audit_logs (organization_id, entity_id, seq DESC)`);
    await q.query(`DROP INDEX audit_logs_org_entity_idx`);
    await q.query(`CREATE INDEX audit_logs_org_created_idx ON audit_logs (organization_id, created_at)`);
    await q.query(
      `ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_chain_key UNIQUE NULLS NOT DISTINCT (organization_id, prev_hash)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_chain_key`);
    await q.query(`DROP INDEX audit_logs_org_created_idx`);
    await q.query(
      `CREATE INDEX audit_logs_org_entity_idx ON audit_logs (organization_id, entity_type, entity_id, seq DESC)`,
    );
    await q.query(`DROP INDEX audit_logs_org_entity_id_idx`);
    await q.query(`DROP INDEX audit_logs_org_entity_type_idx`);
    await q.query(`DROP INDEX audit_logs_org_action_idx`);
    await q.query(`ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_seq_key UNIQUE (seq)`);
    await q.query(`CREATE INDEX audit_logs_org_seq_idx ON audit_logs (organization_id, seq DESC)`);
    await q.query(`DROP INDEX audit_logs_org_seq_key`);
  }
}
