import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations, users and their reporting line, teams, the catalog (categories, vendors),
 * auth state (refresh-token families, login failures) and the append-only audit log.
 * Every tenant table carries organization_id, and cross-row references within a tenant use
 * composite foreign keys (organization_id, id) so that no row can point into another tenant.
 */
export class Foundation1732320000000 implements MigrationInterface {
  name = 'Foundation1732320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        base_currency char(3) NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        email text NOT NULL CHECK (email = lower(email)),
        full_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('employee', 'manager', 'finance', 'admin')),
        password_hash text,
        manager_id uuid,
        is_active boolean NOT NULL DEFAULT true,
        email_notifications boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deactivated_at timestamptz(3),
        CONSTRAINT users_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT users_manager_fk FOREIGN KEY (organization_id, manager_id) REFERENCES users (organization_id, id),
        CONSTRAINT users_not_own_manager CHECK (manager_id IS DISTINCT FROM id)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`CREATE INDEX users_org_created_idx ON users (organization_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX users_org_manager_idx ON users (organization_id, manager_id) WHERE manager_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        lead_id uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT teams_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT teams_lead_fk FOREIGN KEY (organization_id, lead_id) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX teams_org_name_key ON teams (organization_id, lower(name))`);
    await q.query(`CREATE INDEX teams_org_lead_idx ON teams (organization_id, lead_id) WHERE lead_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE team_members (
        organization_id uuid NOT NULL,
        team_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id),
        CONSTRAINT team_members_team_fk FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id) ON DELETE CASCADE,
        CONSTRAINT team_members_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE INDEX team_members_org_user_idx ON team_members (organization_id, user_id)`);

    for (const table of ['categories', 'vendors']) {
      await q.query(`
        CREATE TABLE ${table} (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          organization_id uuid NOT NULL REFERENCES organizations(id),
          name text NOT NULL,
          code text,
          is_active boolean NOT NULL DEFAULT true,
          created_at timestamptz(3) NOT NULL DEFAULT now(),
          updated_at timestamptz(3) NOT NULL DEFAULT now(),
          CONSTRAINT ${table}_org_id_key UNIQUE (organization_id, id)
        )`);
      await q.query(`CREATE UNIQUE INDEX ${table}_org_name_key ON ${table} (organization_id, lower(name))`);
      await q.query(
        `CREATE UNIQUE INDEX ${table}_org_code_key ON ${table} (organization_id, code) WHERE code IS NOT NULL`,
      );
    }

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        user_id uuid NOT NULL,
        family_id uuid NOT NULL,
        secret_hash text NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3),
        revoked_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_live_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        ip text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_failures_email_idx ON login_failures (email, created_at)`);
    await q.query(`CREATE INDEX login_failures_ip_idx ON login_failures (ip, created_at)`);

    await q.query(`
      CREATE TABLE audit_logs (
        seq bigserial NOT NULL UNIQUE,
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        actor_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        metadata jsonb NOT NULL DEFAULT '{}',
        request_id text,
        ip text,
        created_at timestamptz(3) NOT NULL,
        prev_hash text,
        hash text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_logs_org_seq_idx ON audit_logs (organization_id, seq DESC)`);
    await q.query(
      `CREATE INDEX audit_logs_org_entity_idx ON audit_logs (organization_id, entity_type, entity_id, seq DESC)`,
    );
    await q.query(`CREATE INDEX audit_logs_org_actor_idx ON audit_logs (organization_id, actor_id, seq DESC)`);
    // The log is append-only for everyone who goes through SQL, the application included.
    await q.query(`
      CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_logs_no_update_delete BEFORE UPDATE OR DELETE ON audit_logs
      FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
      FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_logs',
      'login_failures',
      'refresh_tokens',
      'vendors',
      'categories',
      'team_members',
      'teams',
      'users',
      'organizations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS audit_logs_append_only()`);
  }
}
