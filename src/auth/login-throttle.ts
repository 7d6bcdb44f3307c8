import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { runSql } from '../database/sql';
import { AuthErrors } from './auth.errors';

/**
 * Counts password checks per e-mail (and, ten times more leniently, per client address) in
 * PostgreSQL, so that the limit holds across any number of API processes and restarts.
 *
 * An attempt is counted before its password is checked, in one statement that increments
 * both counters under their row locks and answers the new counts: of any number of requests
 * sent at once, only the first `maxFailures` in the window get their password checked, and
 * the rest are answered 429 with Retry-After until the window that the first counted attempt
 * opened has passed. A successful check clears the e-mail's count and gives the address its
 * attempt back, so people who type their password right are never locked out by it.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private cleanup?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.cleanup = setInterval(() => void this.forgetOld().catch(() => undefined), 3_600_000);
    this.cleanup.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanup);
  }

  /** Counts one attempt for the e-mail and the address; 429 when either is past its limit. */
  async attempt(email: string, ip: string): Promise<void> {
    const { maxFailures, windowSeconds } = this.config.login;
    const rows = await runSql<{ kind: 'email' | 'ip'; attempts: number; until: Date }>(this.dataSource, COUNT_ATTEMPT, [email, ip, windowSeconds]);
    const limits = { email: maxFailures, ip: maxFailures * 10 };
    const over = rows.filter((row) => row.attempts > limits[row.kind]);
    if (over.length > 0) {
      const until = Math.max(...over.map((row) => new Date(row.until).getTime()));
      const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      throw AuthErrors.TOO_MANY_LOGIN_ATTEMPTS(`Too many failed logins; try again in ${retryAfter} seconds`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
  }

  /** The password was right: the e-mail starts afresh and the address gets its attempt back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await runSql(this.dataSource, SUCCEEDED, [email, ip]);
  }

  /** The attempt was counted but no password was checked (the server was too busy): give it back. */
  async release(email: string, ip: string): Promise<void> {
    await runSql(this.dataSource, RELEASE, [email, ip]);
  }

  private async forgetOld(): Promise<void> {
    await runSql(this.dataSource, FORGET_OLD, [this.config.login.windowSeconds]);
  }
}

// Rows are locked in VALUES order (the e-mail's, then the address's) by every caller, so two
// attempts never wait for each other's rows in opposite orders. A window that has passed
// starts again at this attempt.
const COUNT_ATTEMPT = {
  name: 'login_attempts.count',
  text: `INSERT INTO login_attempts AS a (kind, key, window_started_at, attempts)
         VALUES ('email', $1, now(), 1), ('ip', $2, now(), 1)
         ON CONFLICT (kind, key) DO UPDATE SET
           attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE a.attempts + 1 END,
           window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE a.window_started_at END
         RETURNING kind, attempts, window_started_at + make_interval(secs => $3) AS until`,
};
const SUCCEEDED = {
  name: 'login_attempts.succeeded',
  text: `WITH forgotten AS (DELETE FROM login_attempts WHERE kind = 'email' AND key = $1)
         UPDATE login_attempts SET attempts = attempts - 1 WHERE kind = 'ip' AND key = $2 AND attempts > 0`,
};
const RELEASE = {
  name: 'login_attempts.release',
  text: `UPDATE login_attempts SET attempts = attempts - 1 WHERE ((kind = 'email' AND key = $1) OR (kind = 'ip' AND key = $2)) AND attempts > 0`,
};
const FORGET_OLD = {
  name: 'login_attempts.forget_old',
  text: `DELETE FROM login_attempts WHERE window_started_at < now() - make_interval(secs => $1)`,
};
