import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A covering index of the counted spends (pending approval, approved, paid) by organization and
 * date, for the budget consumption and the aggregate rule fields: both read every counted spend
 * of a period under the advisory locks that serialize submissions, and with it PostgreSQL answers
 * them from the index alone (an index-only scan, on the pages the visibility map marks all-visible)
 * instead of fetching each spend's row. Measured in docs/performance.md ("Budgets").
 *
 * Partial: drafts, rejected and blocked spends, which neither query counts, are not in it.
 */
export class SpendsCountedCoveringIndex1733961600650 implements MigrationInterface {
  name = 'SpendsCountedCoveringIndex1733961600650';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX spends_counted_cover_idx ON spends (organization_id, spend_date)
        INCLUDE (base_currency, status, base_amount_minor, user_id, team_id, category_id, id, merchant)
        WHERE status IN ('pending_approval', 'approved', 'paid')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS spends_counted_cover_idx`);
  }
}
