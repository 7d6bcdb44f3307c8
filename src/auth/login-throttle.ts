import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuthErrors } from './auth.errors';

/**
 * Counts failed logins per e-mail (and, ten times more leniently, per client address) in
 * PostgreSQL, so that the limit holds across any number of API processes and restarts.
 * Past the limit, login answers 429 with Retry-After until the oldest counted failure ages out.
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

  async assertAllowed(email: string, ip: string): Promise<void> {
    const { maxFailures, windowSeconds } = this.config.login;
    const [byEmail, byIp] = await Promise.all([
      this.lockedUntil('email', email, maxFailures, windowSeconds),
      this.lockedUntil('ip', ip, maxFailures * 10, windowSeconds),
    ]);
    const until = Math.max(byEmail, byIp);
    if (until > 0) {
      const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      throw AuthErrors.TOO_MANY_LOGIN_ATTEMPTS(`Too many failed logins; try again in ${retryAfter} seconds`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO login_failures (email, ip) VALUES ($1, $2)`, [email, ip]);
  }

  async forgetFailures(email: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE email = $1`, [email]);
  }

  private async forgetOld(): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failures WHERE created_at < now() - make_interval(secs => $1)`, [this.config.login.windowSeconds]);
  }

  /** Epoch ms until which the key is locked out, or 0 when it is not. */
  private async lockedUntil(column: 'email' | 'ip', value: string, limit: number, windowSeconds: number): Promise<number> {
    const rows: Array<{ until: Date }> = await this.dataSource.query(
      `SELECT created_at + make_interval(secs => $3) AS until FROM login_failures
       WHERE ${column} = $1 AND created_at > now() - make_interval(secs => $3)
       ORDER BY created_at DESC OFFSET $2 - 1 LIMIT 1`,
      [value, limit, windowSeconds],
    );
    return rows.length > 0 ? new Date(rows[0].until).getTime() : 0;
  }
}
