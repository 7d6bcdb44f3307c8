import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * A statement of a hot path (authentication, spend lists and answers, create, decide): plain
 * parameterized SQL sent straight through `pg`, mapped to rows by hand by its repository.
 *
 * Compared with TypeORM's query builder and `find*`, this skips building the SQL text and
 * hydrating entities on every call (measured at about a millisecond of CPU per query under
 * load), and, for a named statement, PostgreSQL parses and plans it once per connection and
 * afterwards only binds and executes it. Name only statements whose text never varies.
 */
export interface Statement {
  /** Unique per text across the application (pg refuses one name for two texts). */
  readonly name?: string;
  readonly text: string;
}

/**
 * Runs a statement in the caller's transaction when given its entity manager (never on a
 * second pool connection: that can deadlock the pool under load), otherwise on the pool.
 */
export async function runSql<Row extends QueryResultRow>(
  db: EntityManager | DataSource,
  statement: Statement,
  values: unknown[] = [],
): Promise<Row[]> {
  const config: QueryConfig = { text: statement.text, values, ...(statement.name ? { name: statement.name } : {}) };
  const runner = db instanceof EntityManager ? (db.queryRunner as PostgresQueryRunner | undefined) : undefined;
  if (runner) {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    // Inside a transaction the connection is at hand: the statement is queued on it before this
    // function first awaits, so statements issued one after the other run in that order.
    const open = (runner as unknown as { databaseConnection?: PoolClient }).databaseConnection;
    const connection = open ?? ((await runner.connect()) as PoolClient);
    return (await connection.query<Row>(config)).rows;
  }
  const dataSource = db instanceof EntityManager ? db.connection : db;
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return (await pool.query<Row>(config)).rows;
}

/**
 * A statement whose text is put together from a small, fixed set of pieces (a list's filters,
 * the caller's visibility), named after its text so that each variant is still planned only
 * once per connection: planning a list over spends (ten indexes to weigh) took ~2 ms of the
 * database's CPU, more than running it.
 */
export function variant(prefix: string, text: string): Statement {
  return { name: `${prefix}.${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`, text };
}

/** `$first, $first+1, …` for a list of values spliced into a statement (multi-row inserts). */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ');
}

/**
 * One page of `matching` (a SELECT) in `orderBy`, each row carrying the count of every match: one
 * statement, one snapshot. The right join answers a row of nulls for an empty page, so that the
 * total is still there (`pageOf` drops that row). Binds the limit and offset as the next values.
 */
export function pageWithTotal(
  matching: string,
  orderBy: string,
  values: unknown[],
  page: { limit: number; offset: number },
): string {
  const limit = `$${values.push(page.limit)}`;
  const offset = `$${values.push(page.offset)}`;
  return `
      WITH matching AS (${matching})
      SELECT page.*, (SELECT count(*) FROM matching) AS total
      FROM (SELECT * FROM matching ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}) page
      RIGHT JOIN (SELECT 1) one ON true`;
}

/** The total and the rows of a `pageWithTotal` answer. */
export function pageOf<Row extends { id: string | null; total: string | null }>(
  rows: Row[],
): { total: number; rows: Row[] } {
  return { total: Number(rows[0]?.total ?? 0), rows: rows.filter((r) => r.id !== null) };
}

/** The connections of the application's pool: open, idle among them, and requests waiting for one. */
export function poolStats(dataSource: DataSource): { total: number; idle: number; waiting: number } {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}
