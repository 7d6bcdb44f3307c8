import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../../database/sql';

/**
 * The rate limit's counters in PostgreSQL (rate_limit_counters), used without Redis. Outside any
 * transaction: a count stands whatever becomes of the request.
 */
@Injectable()
export class RateLimitsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one request on each key (windows of `windowSeconds`) and answers the counts, in the keys' order. */
  async hit(keys: string[], windowSeconds: number): Promise<Array<{ hits: number; resetMs: number }>> {
    const rows = await runSql<{ key: string; hits: number; reset_ms: number }>(this.dataSource, HIT, [
      keys,
      windowSeconds,
    ]);
    const byKey = new Map(rows.map((row) => [row.key, { hits: row.hits, resetMs: row.reset_ms }]));
    return keys.map((key) => byKey.get(key)!);
  }

  /** Drops the counters whose window ended before `windowSeconds` ago. */
  async forgetOld(windowSeconds: number): Promise<void> {
    await runSql(this.dataSource, FORGET_OLD, [windowSeconds]);
  }
}

// One statement, under the rows' locks (taken in key order, so two requests never wait for each
// other's rows in opposite orders): a window that has ended starts again at this request. The
// start is kept to the millisecond, so the time left is bounded by the window.
const HIT: Statement = {
  name: 'rate_limit_counters.hit',
  text: `INSERT INTO rate_limit_counters AS c (key, window_started_at, hits)
    SELECT key, now(), 1 FROM unnest($1::text[]) AS key ORDER BY key
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE c.hits + 1 END,
      window_started_at = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2)
        THEN now() ELSE c.window_started_at END
    RETURNING key, hits,
      LEAST($2 * 1000, GREATEST(0, CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => $2) - now())) * 1000)))::int
        AS reset_ms`,
};

const FORGET_OLD: Statement = {
  name: 'rate_limit_counters.forget_old',
  text: `DELETE FROM rate_limit_counters WHERE window_started_at < now() - make_interval(secs => $1)`,
};
