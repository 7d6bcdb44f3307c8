import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/** One counter of login_attempts, as the count of an attempt answers it. */
export interface AttemptCount {
  kind: 'user' | 'email' | 'operator' | 'ip' | 'mfa' | 'reset_email' | 'reset_ip';
  key: string;
  attempts: number;
  /** When the counter's window ends. */
  until: Date;
}

/**
 * Every query on login_attempts. Outside any transaction on purpose: the throttle writes on a
 * connection of its own, so that a count stands whatever happens to the login around it.
 */
@Injectable()
export class LoginAttemptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one attempt on each key (in a window of `windowSeconds`) and answers the new counts. */
  count(keys: Array<{ kind: string; key: string }>, windowSeconds: number): Promise<AttemptCount[]> {
    return runSql<AttemptCount>(this.dataSource, COUNT_ATTEMPT, [
      keys.map((k) => k.kind),
      keys.map((k) => k.key),
      windowSeconds,
    ]);
  }

  async forget(kind: string, key: string): Promise<void> {
    await runSql(this.dataSource, FORGET, [kind, key]);
  }

  async giveBack(kind: string, key: string): Promise<void> {
    await runSql(this.dataSource, GIVE_BACK, [kind, key]);
  }

  /** Drops the counters whose window has passed. */
  async forgetOld(windowSeconds: number): Promise<void> {
    await runSql(this.dataSource, FORGET_OLD, [windowSeconds]);
  }
}

// Rows are locked in (kind, key) order by every statement here, so two attempts never wait for
// each other's rows in opposite orders. A window that has passed starts again at this attempt.
const COUNT_ATTEMPT: Statement = {
  name: 'login_attempts.count',
  text: `INSERT INTO login_attempts AS a (kind, key, window_started_at, attempts)
         SELECT k.kind, k.key, now(), 1 FROM unnest($1::text[], $2::text[]) AS k(kind, key) ORDER BY k.kind, k.key
         ON CONFLICT (kind, key) DO UPDATE SET
           attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE a.attempts + 1 END,
           window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE a.window_started_at END
         RETURNING kind, key, attempts, window_started_at + make_interval(secs => $3) AS until`,
};
// One row per statement: a statement that locked several rows in an order of its own could
// deadlock with COUNT_ATTEMPT.
const FORGET: Statement = {
  name: 'login_attempts.forget',
  text: `DELETE FROM login_attempts WHERE kind = $1 AND key = $2`,
};
const GIVE_BACK: Statement = {
  name: 'login_attempts.give_back',
  text: `UPDATE login_attempts SET attempts = attempts - 1 WHERE kind = $1 AND key = $2 AND attempts > 0`,
};
const FORGET_OLD: Statement = {
  name: 'login_attempts.forget_old',
  text: `DELETE FROM login_attempts WHERE window_started_at < now() - make_interval(secs => $1)`,
};
