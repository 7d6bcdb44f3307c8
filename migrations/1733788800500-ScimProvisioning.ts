import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM 2.0 provisioning (src/scim): what an identity provider keeps about a user beyond the
 * Spendin user, its groups, and the admin's mapping of groups to teams and roles.
 *
 * - `scim_users`: the provider's `userName` (kept as sent; absent for users made in Spendin, whose
 *   userName is their e-mail) and name parts, the role a group mapping gave the user (so that
 *   leaving the group reverts that role and no other), and `deleted_at`: a SCIM DELETE
 *   deactivates the Spendin user, keeps their history, and hides them from SCIM from then on.
 *   The provider's `externalId` is `users.external_id`, which the identity webhook links too.
 * - `scim_groups` / `scim_group_members`: groups as the provider pushes them; display names are
 *   unique per organization in any case.
 * - `scim_group_mappings`: a group display name → a team and/or a role, set by an admin.
 * Every reference inside the tenant is a composite foreign key on (organization_id, id).
 */
export class ScimProvisioning1733788800500 implements MigrationInterface {
  name = 'ScimProvisioning1733788800500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scim_users (
        organization_id uuid NOT NULL,
        user_id uuid NOT NULL,
        user_name text CHECK (length(user_name) BETWEEN 1 AND 256),
        given_name text CHECK (length(given_name) <= 256),
        family_name text CHECK (length(family_name) <= 256),
        role_from_groups text CHECK (role_from_groups IN ('employee', 'manager', 'finance', 'admin')),
        deleted_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, user_id),
        FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX scim_users_user_name_key ON scim_users (organization_id, lower(user_name)) WHERE deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE scim_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 256),
        external_id text CHECK (length(external_id) <= 256),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT scim_groups_org_id_key UNIQUE (organization_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX scim_groups_display_name_key ON scim_groups (organization_id, lower(display_name))`,
    );
    await q.query(`
      CREATE TABLE scim_group_members (
        organization_id uuid NOT NULL,
        group_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, group_id, user_id),
        FOREIGN KEY (organization_id, group_id) REFERENCES scim_groups (organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
      )`);
    await q.query(`CREATE INDEX scim_group_members_user_idx ON scim_group_members (organization_id, user_id)`);
    await q.query(`
      CREATE TABLE scim_group_mappings (
        organization_id uuid NOT NULL REFERENCES organizations(id),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 256),
        team_id uuid,
        role text CHECK (role IN ('employee', 'manager', 'finance', 'admin')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (team_id IS NOT NULL OR role IS NOT NULL),
        FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX scim_group_mappings_name_key ON scim_group_mappings (organization_id, lower(display_name))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scim_group_mappings`);
    await q.query(`DROP TABLE scim_group_members`);
    await q.query(`DROP TABLE scim_groups`);
    await q.query(`DROP TABLE scim_users`);
  }
}
