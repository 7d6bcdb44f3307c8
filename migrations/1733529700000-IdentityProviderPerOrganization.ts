import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The identity provider becomes each organization's own instead of the installation's.
 *
 * `identity_providers` holds an organization's inbound signing secret, sealed with
 * SECRETS_KEY like the outbound ones (src/common/secrets/secret-box.ts), and its last four
 * characters; an admin creates and rotates it through the API. No row: the organization
 * takes no identity events.
 *
 * `identity_events` remembered event ids across the whole installation; ids are now the
 * organization's provider's, remembered per organization. The ids remembered so far belong to
 * no organization (the installation-wide endpoint they came through is gone), so they are
 * dropped: a provider sending one of them again must sign it with its organization's new
 * secret, and it then finds the user as the event says and changes nothing.
 *
 * `users.external_id` was unique across Spendin because one provider served every
 * organization; with one provider per organization, two providers may use the same ids, and
 * one organization's provider claiming an id first must not lock another's out. It is unique
 * per organization now (and still names one user within it).
 */
export class IdentityProviderPerOrganization1733529700000 implements MigrationInterface {
  name = 'IdentityProviderPerOrganization1733529700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_providers (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        secret_ciphertext text NOT NULL,
        secret_hint text NOT NULL CHECK (length(secret_hint) = 4),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        rotated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`DELETE FROM identity_events`);
    await q.query(`ALTER TABLE identity_events DROP CONSTRAINT identity_events_pkey`);
    await q.query(`ALTER TABLE identity_events ADD COLUMN organization_id uuid NOT NULL REFERENCES organizations(id)`);
    await q.query(`ALTER TABLE identity_events ADD PRIMARY KEY (organization_id, event_id)`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_external_id_key`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_external_id_key UNIQUE (organization_id, external_id)`);
  }

  /** Fails while two organizations link the same external id (the old rule cannot hold them). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_external_id_key`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_external_id_key UNIQUE (external_id)`);
    await q.query(`DELETE FROM identity_events`);
    await q.query(`ALTER TABLE identity_events DROP CONSTRAINT identity_events_pkey`);
    await q.query(`ALTER TABLE identity_events DROP COLUMN organization_id`);
    await q.query(`ALTER TABLE identity_events ADD PRIMARY KEY (event_id)`);
    await q.query(`DROP TABLE identity_providers`);
  }
}
