import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { assertAcceptablePassword } from '../../common/auth/password.validators';
import { OutboxService } from '../../common/outbox/outbox.service';
import { SecretBox } from '../../common/secrets/secret-box';
import { AppConfig } from '../../config/app-config';
import { Sessions } from '../../sessions/sessions';
import { Directory } from '../../users/directory';
import { PasswordHasher } from '../../users/password-hasher';
import { UsersService } from '../../users/users.service';
import type { ClientContext } from '../auth.service';
import { LoginAttemptsRepository } from '../login-attempts.repository';
import { newOneTimeSecret, parseOneTimeToken, secretMatches } from '../one-time-token';
import { PasswordResetErrors } from './password-reset.errors';
import { PasswordResetRepository } from './password-reset.repository';

/** The context a reset token is sealed under in its e-mail's outbox row. */
export const resetTokenContext = (resetId: string) => `password_reset:${resetId}`;

/**
 * Password reset by e-mail. A request answers the same whether or not the e-mail names an
 * account, and does the same work up to the one insert per account it finds; the e-mail goes
 * out from the outbox (`auth.password_reset_requested`, sent by the notifications module), so
 * the SMTP server's speed is never part of the answer. The token is `<id>.<secret>`: the
 * SHA-256 of the secret is stored, and the outbox row carries the token sealed with
 * SECRETS_KEY. Requests are counted per e-mail and per client address on the login counters'
 * table (their own kinds), with the login limits.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PasswordResetRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly directory: Directory,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: Sessions,
    private readonly outbox: OutboxService,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async request(client: ClientContext, emailInput: string, organizationId?: string): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    await this.count(email, client.ip);
    const candidates = await this.directory.loginCandidates(email, organizationId);
    // Only people who log in with a password here: not a deactivated user, nor one the
    // organization's identity provider signs in (a reset would give them a way around it).
    const accounts = candidates.filter((c) => c.user.isActive && c.user.passwordHash !== null);
    // At least one, account or not: the same work either way.
    const secrets = Array.from({ length: Math.max(1, accounts.length) }, () => newOneTimeSecret());
    if (!this.config.smtp) {
      this.logger.warn('A password reset was asked for, but SMTP_URL is not set: no e-mail is sent');
      return;
    }
    const ttl = this.config.passwordReset.ttlSeconds;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    await this.dataSource.transaction(async (tx) => {
      for (const [i, { user, organizationName }] of accounts.entries()) {
        const id = await this.repository.insert(tx, {
          organizationId: user.organizationId,
          userId: user.id,
          secretHash: secrets[i].hash,
          expiresAt,
        });
        await this.outbox.enqueue(tx, user.organizationId, 'auth.password_reset_requested', {
          reset_id: id,
          user_id: user.id,
          to: user.email,
          full_name: user.fullName,
          organization_name: organizationName,
          token_sealed: this.box.seal(`${id}.${secrets[i].secret}`, resetTokenContext(id)),
          expires_at: expiresAt.toISOString(),
          link: this.config.passwordReset.url ?? null,
        });
        await this.audit.record(
          tx,
          { organizationId: user.organizationId, userId: null, ...client },
          {
            action: 'user.password_reset_requested',
            entityType: 'user',
            entityId: user.id,
            metadata: { expires_at: expiresAt.toISOString() },
          },
        );
      }
    });
  }

  /**
   * Sets the password of the token's user: the token and every other unused one of the user
   * are spent, the token version moves on and every session ends (access tokens at once),
   * an admin's demand for a new password is cleared. The caller logs in afresh (and gives
   * their second factor there, if they have one): no tokens are answered.
   */
  async confirm(client: ClientContext, token: string, newPassword: string): Promise<void> {
    const presented = parseOneTimeToken(token);
    if (!presented) throw PasswordResetErrors.RESET_TOKEN_INVALID('The reset token is malformed');
    await this.dataSource.transaction(async (tx) => {
      const stored = await this.repository.lock(tx, presented.id);
      if (!stored || !secretMatches(stored.secretHash, presented.secret))
        throw PasswordResetErrors.RESET_TOKEN_INVALID('The reset token is unknown');
      if (stored.usedAt)
        throw PasswordResetErrors.RESET_TOKEN_USED('The reset token was already used; ask for a new one');
      if (stored.expiresAt.getTime() <= Date.now())
        throw PasswordResetErrors.RESET_TOKEN_EXPIRED('The reset token has expired; ask for a new one');
      const user = await this.users.lockForChange(tx, stored.organizationId, stored.userId);
      if (!user?.isActive) throw PasswordResetErrors.RESET_TOKEN_INVALID('The reset token is unknown');
      assertAcceptablePassword(newPassword, user.email, 'new_password');
      user.tokenVersion = await this.users.setOwnPassword(
        tx,
        user.organizationId,
        user.id,
        await this.hasher.hash(newPassword),
      );
      await this.repository.useAllOfUser(tx, user.organizationId, user.id);
      const sessions = await this.sessions.revokeAll(tx, user);
      await this.audit.record(
        tx,
        { organizationId: user.organizationId, userId: user.id, role: user.role, ...client },
        {
          action: 'user.password_reset',
          entityType: 'user',
          entityId: user.id,
          metadata: { sessions_signed_out: sessions },
        },
      );
    });
  }

  /** One request counted per e-mail and per address; 429 with Retry-After past the login limits. */
  private async count(email: string, ip: string): Promise<void> {
    const { maxFailures, windowSeconds } = this.config.login;
    const rows = await this.attempts.count(
      [
        { kind: 'reset_email', key: email },
        { kind: 'reset_ip', key: ip },
      ],
      windowSeconds,
    );
    const over = rows.filter((r) => r.attempts > (r.kind === 'reset_ip' ? maxFailures * 10 : maxFailures));
    if (over.length === 0) return;
    const until = Math.max(...over.map((r) => new Date(r.until).getTime()));
    const retryAfter = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    throw PasswordResetErrors.TOO_MANY_RESET_REQUESTS(
      `Too many password reset requests; try again in ${retryAfter} seconds`,
      { headers: { 'Retry-After': String(retryAfter) } },
    );
  }
}
