import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { assertAcceptablePassword } from '../common/auth/password.validators';
import { CommonErrors } from '../common/errors/common.errors';
import { DomainError } from '../common/errors/domain-error';
import { OrganizationSuspension } from '../organizations/organization-suspension';
import { PasswordHasher } from '../users/password-hasher';
import { Directory } from '../users/directory';
import { UsersService } from '../users/users.service';
import { Metrics } from '../common/metrics/metrics';
import { AuthErrors } from './auth.errors';
import { TokenResponseDto } from './dto/auth.dto';
import { Sessions } from '../sessions/sessions';
import { LoginThrottle, ThrottleKey } from './login-throttle';
import { TokensService } from './tokens.service';
import { MfaChallengeResponseDto } from './mfa/dto/mfa.dto';
import { MfaLoginService } from './mfa/mfa-login.service';

/** Where a request came from, for throttling and the audit log. */
export interface ClientContext {
  ip: string;
  requestId?: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: Directory,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: Sessions,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly mfa: MfaLoginService,
    private readonly suspension: OrganizationSuspension,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The same 401 for an unknown e-mail, a wrong password, no password set and a deactivated
   * user. Each attempt is counted before the password is checked, so a burst of guesses sent at
   * once gets no more checks than the limit.
   *
   * An e-mail is unique within an organization, so without `organizationId` it may name a user
   * in each of several: the password is checked against each of them (side by side), and the
   * one it opens is logged in; when it opens more than one, 409 ORGANIZATION_REQUIRED lists
   * those organizations (the caller has just proved the password of each). Whether an address
   * is also used elsewhere is never part of an answer. A user with a second factor gets an
   * `mfa_token` for POST /auth/mfa instead of tokens (src/auth/mfa).
   */
  async login(
    client: ClientContext,
    emailInput: string,
    password: string,
    organizationId?: string,
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    const email = emailInput.trim().toLowerCase();
    const candidates = await this.directory.loginCandidates(email, organizationId);
    const accounts: ThrottleKey[] =
      candidates.length > 0
        ? candidates.map((c) => ({ kind: 'user', key: c.user.id }))
        : [{ kind: 'email', key: email }];
    const open = await this.throttle.attempt(accounts, client.ip).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === AuthErrors.TOO_MANY_LOGIN_ATTEMPTS.code)
        this.metrics.loginFailed('throttled');
      throw error;
    });
    const checked = candidates.filter((c) => open.has(c.user.id));
    const results = await this.unlessBusy(accounts, client.ip, () =>
      candidates.length === 0
        ? this.hasher.verify(null, password).then(() => [])
        : Promise.all(checked.map((c) => this.hasher.verify(c.user.passwordHash, password))),
    );
    const opened = checked.filter((c, i) => results[i] && c.user.isActive);

    if (opened.length === 0) {
      // Counted by kind only: who tried is the audit log's business, never a metric's label.
      this.metrics.loginFailed(
        candidates.length === 0
          ? 'unknown_email'
          : checked.some((c, i) => results[i] && !c.user.isActive)
            ? 'inactive'
            : 'bad_password',
      );
      for (const { user } of checked) {
        await this.dataSource.transaction((tx) =>
          this.audit.record(
            tx,
            { organizationId: user.organizationId, ...client },
            {
              action: 'auth.login_failed',
              entityType: 'user',
              entityId: user.id,
              metadata: { reason: !user.isActive ? 'inactive' : 'bad_password' },
            },
          ),
        );
      }
      throw AuthErrors.INVALID_CREDENTIALS('E-mail or password is wrong');
    }
    await this.throttle.succeeded(
      opened.map((c) => ({ kind: 'user', key: c.user.id })),
      client.ip,
    );
    // The password is right (so the answer may say why); a suspended organization's account is
    // left out, and only when nothing else is left is the login refused.
    const usable = opened.filter((c) => !c.organizationSuspended);
    if (usable.length === 0) throw suspended();
    if (usable.length > 1) {
      throw AuthErrors.ORGANIZATION_REQUIRED(
        'This e-mail and password open accounts in several organizations; log in again with organization_id',
        {
          body: { organizations: usable.map((c) => ({ id: c.user.organizationId, name: c.organizationName })) },
        },
      );
    }
    const { user } = usable[0];
    const challenge = await this.mfa.challenge(user, client);
    if (challenge) return challenge;
    return this.dataSource.transaction(async (tx) => {
      const issued = await this.tokens.issue(tx, user);
      await this.audit.record(
        tx,
        { userId: user.id, organizationId: user.organizationId, role: user.role, ...client },
        {
          action: 'auth.login',
          entityType: 'user',
          entityId: user.id,
        },
      );
      return issued;
    });
  }

  /**
   * Spends the presented refresh token and answers a new pair in the same family. A token
   * presented a second time means it leaked (or a client raced itself), and nothing tells which
   * of the user's devices it leaked from: every session of the user ends, and that revocation
   * is committed before the 401 goes out. A token issued before the user's token version moved
   * on (a password set, a deactivation, a role change) is refused even if a revocation raced
   * its issue.
   */
  async refresh(client: ClientContext, token: string): Promise<TokenResponseDto> {
    const presented = this.tokens.parse(token);
    if (!presented) throw AuthErrors.REFRESH_TOKEN_INVALID('The refresh token is malformed');
    const outcome = await this.dataSource.transaction(async (tx) => {
      const stored = await this.tokens.lock(tx, presented);
      if (!stored || stored.revokedAt)
        return { error: AuthErrors.REFRESH_TOKEN_INVALID('The refresh token is unknown or revoked') };
      if (stored.usedAt) {
        const sessions = await this.sessions.revokeAll(tx, {
          organizationId: stored.organizationId,
          id: stored.userId,
        });
        await this.audit.record(
          tx,
          { organizationId: stored.organizationId, userId: null, ...client },
          {
            action: 'auth.refresh_token_reused',
            entityType: 'user',
            entityId: stored.userId,
            metadata: { family_id: stored.familyId, sessions_signed_out: sessions },
          },
        );
        return {
          error: AuthErrors.REFRESH_TOKEN_REUSED(
            'This refresh token was already used; every session of the user is now signed out',
          ),
        };
      }
      if (stored.expiresAt.getTime() <= Date.now())
        return { error: AuthErrors.REFRESH_TOKEN_INVALID('The refresh token has expired; log in again') };
      const user = await this.directory.user(stored.organizationId, stored.userId, tx);
      if (!user?.isActive) return { error: AuthErrors.REFRESH_TOKEN_INVALID('The user is deactivated') };
      if (user.tokenVersion !== stored.tokenVersion)
        return { error: AuthErrors.REFRESH_TOKEN_INVALID('The refresh token is unknown or revoked') };
      // Not spent: once the operator resumes the organization, the same refresh token works.
      if (await this.suspension.isSuspended(user.organizationId, tx)) return { error: suspended() };
      await this.sessions.markRefreshTokenUsed(tx, stored.id);
      return { tokens: await this.tokens.issue(tx, user, stored.familyId) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.tokens;
  }

  /**
   * Ends the token's session (its family), and with it the session's access tokens; the user's
   * other sessions go on. Unknown or already revoked tokens are fine: logout is idempotent.
   */
  async logout(client: ClientContext, token: string): Promise<void> {
    const presented = this.tokens.parse(token);
    if (!presented) return;
    await this.dataSource.transaction(async (tx) => {
      const stored = await this.tokens.lock(tx, presented);
      if (!stored || stored.revokedAt) return;
      await this.sessions.revoke(tx, stored.familyId);
      await this.audit.record(
        tx,
        { organizationId: stored.organizationId, userId: stored.userId, ...client },
        {
          action: 'auth.logout',
          entityType: 'user',
          entityId: stored.userId,
        },
      );
    });
  }

  /**
   * The caller's own password. The current one must verify, and a wrong one counts as a failed
   * login for the throttle (so a stolen access token cannot be used to guess the password).
   * Every session of the user then ends in the same transaction: the token version moves on, so
   * older access tokens stop working at once, and every refresh token is revoked. The caller
   * carries on with the new pair this answers, a family of its own.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<TokenResponseDto> {
    const user = await this.directory.user(actor.organizationId, actor.userId);
    // The token was verified against this very user a moment ago; only a forged claim gets here.
    if (!user) throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
    if (newPassword === currentPassword) {
      throw CommonErrors.VALIDATION_FAILED('new_password must differ from the current password', {
        errors: [{ field: 'new_password', message: 'must differ from the current password' }],
      });
    }
    assertAcceptablePassword(newPassword, user.email, 'new_password');
    const ip = actor.ip ?? 'unknown';
    const account: ThrottleKey[] = [{ kind: 'user', key: user.id }];
    await this.throttle.attempt(account, ip);
    const issued = await this.unlessBusy(account, ip, () =>
      this.dataSource.transaction(async (tx) => {
        const locked = await this.users.lockForChange(tx, actor.organizationId, actor.userId);
        // Verified against the locked row: of two changes at once, the second sees the first's hash.
        if (!locked || !(await this.hasher.verify(locked.passwordHash, currentPassword))) return null;
        locked.tokenVersion = await this.users.setOwnPassword(
          tx,
          actor.organizationId,
          actor.userId,
          await this.hasher.hash(newPassword),
        );
        locked.mustChangePassword = false;
        const sessions = await this.sessions.revokeAll(tx, locked);
        await this.audit.record(tx, actor, {
          action: 'user.password_changed',
          entityType: 'user',
          entityId: actor.userId,
          metadata: { sessions_signed_out: sessions },
        });
        return this.tokens.issue(tx, locked);
      }),
    );
    if (!issued) throw AuthErrors.INVALID_CURRENT_PASSWORD('The current password is wrong');
    // After the transaction: the throttle writes on a connection of its own.
    await this.throttle.succeeded(account, ip);
    return issued;
  }

  /**
   * Runs a password check; when the server is too busy to run it (503), the attempt counted for
   * it is given back, so that a burst of other people's logins cannot use up someone's limit.
   * Outside any transaction: the throttle writes on a connection of its own.
   */
  private async unlessBusy<T>(accounts: ThrottleKey[], ip: string, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE')
        await this.throttle.release(accounts, ip);
      throw error;
    }
  }
}

function suspended() {
  return CommonErrors.ORGANIZATION_SUSPENDED(
    "The installation's operator has suspended this organization: nobody of it can log in until it is resumed",
  );
}
