import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuthErrors } from './auth.errors';
import { LoginAttemptsRepository } from './login-attempts.repository';

/**
 * What one count is kept for: a user's or an operator's passwords (by id), an e-mail no account
 * has, or a user's second-factor codes (`mfa`, by user id; src/auth/mfa); a client address is
 * counted beside them.
 */
export interface ThrottleKey {
  kind: 'user' | 'email' | 'operator' | 'mfa';
  key: string;
}

/**
 * Counts password checks per account (a user, or an e-mail no user has) and, ten times more
 * leniently, per client address, in PostgreSQL, so that the limit holds across any number of
 * API processes and restarts. Per account rather than per e-mail: one e-mail can name a user in
 * each of several organizations, and a login that checks the password against all of them must
 * spend an attempt of each, whichever of them it lets in.
 *
 * An attempt is counted before its password is checked, in one statement that increments every
 * counter it concerns under their row locks and answers the new counts: of any number of
 * requests sent at once, only the first `maxFailures` in the window get a check, and the rest
 * are answered 429 with Retry-After until the window that the first counted attempt opened has
 * passed. A successful check clears the account's count and gives the address its attempt back,
 * so people who type their password right are never locked out by it.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private cleanup?: NodeJS.Timeout;

  constructor(
    private readonly attempts: LoginAttemptsRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.cleanup = setInterval(() => void this.forgetOld().catch(() => undefined), 3_600_000);
    this.cleanup.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanup);
  }

  /**
   * Counts one attempt for each account and for the address, and answers the keys of the
   * accounts still under their limit (whose password may be checked). 429 when the address is
   * past its limit or no account is left.
   */
  async attempt(accounts: ThrottleKey[], ip: string): Promise<Set<string>> {
    const { maxFailures, windowSeconds } = this.config.login;
    const keys = [...accounts, { kind: 'ip' as const, key: ip }];
    const rows = await this.attempts.count(keys, windowSeconds);
    const over = rows.filter((row) => row.attempts > (row.kind === 'ip' ? maxFailures * 10 : maxFailures));
    const open = new Set(rows.filter((row) => row.kind !== 'ip' && !over.includes(row)).map((row) => row.key));
    const ipOver = over.find((row) => row.kind === 'ip');
    if (ipOver || open.size === 0) {
      // The earliest moment a check could happen again: the address's window, or the first account's.
      const until = ipOver
        ? new Date(ipOver.until).getTime()
        : Math.min(...over.map((row) => new Date(row.until).getTime()));
      const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      throw AuthErrors.TOO_MANY_LOGIN_ATTEMPTS(`Too many failed logins; try again in ${retryAfter} seconds`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    return open;
  }

  /** The password was right for these accounts: they start afresh, and the address gets its attempt back. */
  async succeeded(accounts: ThrottleKey[], ip: string): Promise<void> {
    for (const account of accounts) await this.attempts.forget(account.kind, account.key);
    await this.attempts.giveBack('ip', ip);
  }

  /** The attempts were counted but no password was checked (the server was too busy): give them back. */
  async release(accounts: ThrottleKey[], ip: string): Promise<void> {
    for (const key of [...accounts, { kind: 'ip', key: ip }]) await this.attempts.giveBack(key.kind, key.key);
  }

  private async forgetOld(): Promise<void> {
    await this.attempts.forgetOld(this.config.login.windowSeconds);
  }
}
