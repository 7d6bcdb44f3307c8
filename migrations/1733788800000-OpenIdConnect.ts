import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect bearer tokens (src/identity, docs/integrations-oidc.md).
 *
 * `oidc_providers` holds an organization's OpenID provider settings, a row of its own beside
 * `identity_providers` (the inbound webhook secret): the two are configured, rotated and removed
 * independently, and an organization may use either without the other. The issuer is unique
 * across the installation, so that a token's `iss` names at most one organization.
 *
 * `user_identities` links a Spendin user to the provider's subject (`sub`) at one issuer. The
 * organization is part of the key: a link made while an organization used an issuer never
 * names a user of another organization that configures the same issuer later. A user has at
 * most one subject per issuer.
 */
export class OpenIdConnect1733788800000 implements MigrationInterface {
  name = 'OpenIdConnect1733788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_providers (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        issuer text NOT NULL CONSTRAINT oidc_providers_issuer_key UNIQUE,
        audience text NOT NULL,
        roles_claim text,
        role_mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
        default_role text NOT NULL DEFAULT 'employee' CHECK (default_role IN ('employee', 'manager', 'finance', 'admin', 'accountant')),
        create_users boolean NOT NULL DEFAULT false,
        algorithms text[] NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_identities (
        organization_id uuid NOT NULL REFERENCES organizations(id),
        issuer text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        linked_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, issuer, subject),
        CONSTRAINT user_identities_user_key UNIQUE (user_id, issuer)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_identities`);
    await q.query(`DROP TABLE oidc_providers`);
  }
}
