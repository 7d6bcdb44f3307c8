import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The general rate limit's counters when no Redis is configured (src/common/rate-limit): one
 * row per bucket and caller, its fixed window's start and the requests counted in it, so that
 * every API process on the database shares the count. UNLOGGED: a crash may lose the counts
 * of the current minute, which costs nothing, and each request's write skips the WAL.
 */
export class RateLimits1733961600300 implements MigrationInterface {
  name = 'RateLimits1733961600300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key text PRIMARY KEY,
        window_started_at timestamptz(3) NOT NULL,
        hits integer NOT NULL CHECK (hits >= 0)
      )`);
    await q.query(`CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_counters`);
  }
}
