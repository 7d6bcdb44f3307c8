import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budgets: an amount of the organization's base currency for a scope (the whole organization, a
 * team, a category or a user) over a period (recurring calendar months, quarters or years, or one
 * custom range). What consumes a budget is computed from spends whenever it is read; nothing is
 * stored per spend. DELETE archives (`archived_at`): an archived budget is neither listed nor
 * applied to rules, and its audit trail keeps naming it.
 *
 * The scope's id is checked by the service (422); the team, category and user foreign keys also
 * hold it (composite, so that a budget never names another organization's row).
 */
export class Budgets1733961600200 implements MigrationInterface {
  name = 'Budgets1733961600200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budgets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        scope text NOT NULL CHECK (scope IN ('organization', 'team', 'category', 'user')),
        team_id uuid,
        category_id uuid,
        user_id uuid,
        period text NOT NULL CHECK (period IN ('month', 'quarter', 'year', 'custom')),
        starts_on date,
        ends_on date,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        counts_pending boolean NOT NULL DEFAULT true,
        rollover boolean NOT NULL DEFAULT false,
        created_by uuid NOT NULL,
        archived_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT budgets_team_fk FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id),
        CONSTRAINT budgets_category_fk FOREIGN KEY (organization_id, category_id) REFERENCES categories (organization_id, id),
        CONSTRAINT budgets_user_fk FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
        CONSTRAINT budgets_created_by_fk FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
        CONSTRAINT budgets_scope_id CHECK (
          (scope = 'organization' AND team_id IS NULL AND category_id IS NULL AND user_id IS NULL) OR
          (scope = 'team' AND team_id IS NOT NULL AND category_id IS NULL AND user_id IS NULL) OR
          (scope = 'category' AND category_id IS NOT NULL AND team_id IS NULL AND user_id IS NULL) OR
          (scope = 'user' AND user_id IS NOT NULL AND team_id IS NULL AND category_id IS NULL)),
        CONSTRAINT budgets_custom_range CHECK (
          (period = 'custom' AND starts_on IS NOT NULL AND ends_on IS NOT NULL AND ends_on >= starts_on AND ends_on <= starts_on + 731)
          OR (period <> 'custom' AND starts_on IS NULL AND ends_on IS NULL)),
        CONSTRAINT budgets_rollover_recurring CHECK (NOT rollover OR period <> 'custom')
      )`);
    await q.query(
      `CREATE INDEX budgets_org_idx ON budgets (organization_id, created_at, id) WHERE archived_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS budgets`);
  }
}
