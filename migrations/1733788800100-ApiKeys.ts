import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organization API keys for integrations (docs/integrations-api-keys.md).
 *
 * `api_keys` holds one row per key: `public_id` is the part of the key a caller shows in the
 * clear (`sk_live_<public_id>_<secret>`), unique across the installation so that a presented
 * key is looked up by it alone; `secret_hash` is SHA-256 of the 256-bit random secret (hex),
 * never the secret. A key belongs to the admin who created it (composite key into `users`, so
 * it cannot name another organization's user); it is revoked by setting `revoked_at`, never
 * deleted, so the audit log's key ids stay explainable.
 *
 * `audit_logs.actor_type` is `'api_key'` on entries a key caused, whose `actor_id` is then the
 * key's id; null otherwise (a user when `actor_id` is set, the system when not). The chain's
 * hash covers it only when it is set, so every entry written before keeps its hash.
 */
export class ApiKeys1733788800100 implements MigrationInterface {
  name = 'ApiKeys1733788800100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[0-9a-f]{16}$'),
        secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        created_by uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3),
        last_used_at timestamptz(3),
        revoked_at timestamptz(3),
        CONSTRAINT api_keys_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT api_keys_creator_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE INDEX api_keys_org_created_idx ON api_keys (organization_id, created_at DESC, id DESC)`);
    await q.query(`ALTER TABLE audit_logs ADD COLUMN actor_type text CHECK (actor_type IN ('api_key', 'operator'))`);
  }

  /** Refused while audit entries name a key: the column is covered by their hashes. */
  async down(q: QueryRunner): Promise<void> {
    const [{ count }] = await q.query(`SELECT count(*)::int AS count FROM audit_logs WHERE actor_type IS NOT NULL`);
    if (count > 0) throw new Error(`${count} audit entries name an API key as actor; their hashes cover actor_type`);
    await q.query(`ALTER TABLE audit_logs DROP COLUMN actor_type`);
    await q.query(`DROP TABLE api_keys`);
  }
}
