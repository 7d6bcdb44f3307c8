import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersRepository } from '../users/users.repository';
import { AuthErrors } from './auth.errors';
import { TokenResponseDto } from './dto/auth.dto';
import { LoginThrottle } from './login-throttle';
import { TokensService } from './tokens.service';

/** Where a request came from, for throttling and the audit log. */
export interface ClientContext {
  ip: string;
  requestId?: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /** The same 401 for an unknown e-mail, a wrong password, no password set and a deactivated user. */
  async login(client: ClientContext, emailInput: string, password: string): Promise<TokenResponseDto> {
    const email = emailInput.trim().toLowerCase();
    await this.throttle.assertAllowed(email, client.ip);
    const user = await this.users.findByEmailForLogin(email);
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !passwordOk || !user.isActive) {
      await this.throttle.recordFailure(email, client.ip);
      if (user) {
        await this.dataSource.transaction((tx) =>
          this.audit.record(tx, { organizationId: user.organizationId, ...client }, {
            action: 'auth.login_failed', entityType: 'user', entityId: user.id,
            metadata: { reason: !user.isActive ? 'inactive' : 'bad_password' },
          }),
        );
      }
      throw AuthErrors.INVALID_CREDENTIALS('E-mail or password is wrong');
    }
    await this.throttle.forgetFailures(email);
    return this.dataSource.transaction(async (tx) => {
      const issued = await this.tokens.issue(tx, user);
      await this.audit.record(tx, { userId: user.id, organizationId: user.organizationId, role: user.role, ...client }, {
        action: 'auth.login', entityType: 'user', entityId: user.id,
      });
      return issued;
    });
  }

  /**
   * Spends the presented refresh token and answers a new pair in the same family. A token
   * presented a second time means it leaked (or a client raced itself): the whole family is
   * revoked, and that revocation is committed before the 401 goes out.
   */
  async refresh(client: ClientContext, token: string): Promise<TokenResponseDto> {
    const presented = this.tokens.parse(token);
    if (!presented) throw AuthErrors.REFRESH_TOKEN_INVALID('The refresh token is malformed');
    const outcome = await this.dataSource.transaction(async (tx) => {
      const stored = await this.tokens.lock(tx, presented);
      if (!stored || stored.revokedAt) return { error: AuthErrors.REFRESH_TOKEN_INVALID('The refresh token is unknown or revoked') };
      if (stored.usedAt) {
        await this.tokens.revokeFamily(tx, stored.familyId);
        await this.audit.record(tx, { organizationId: stored.organizationId, userId: null, ...client }, {
          action: 'auth.refresh_token_reused', entityType: 'user', entityId: stored.userId, metadata: { family_id: stored.familyId },
        });
        return { error: AuthErrors.REFRESH_TOKEN_REUSED('This refresh token was already used; every session of its family is now signed out') };
      }
      if (stored.expiresAt.getTime() <= Date.now()) return { error: AuthErrors.REFRESH_TOKEN_INVALID('The refresh token has expired; log in again') };
      const user = await this.users.findById(stored.organizationId, stored.userId, tx);
      if (!user?.isActive) return { error: AuthErrors.REFRESH_TOKEN_INVALID('The user is deactivated') };
      await this.tokens.markUsed(tx, stored);
      return { tokens: await this.tokens.issue(tx, user, stored.familyId) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.tokens;
  }

  /** Revokes the token's whole family. Unknown or already revoked tokens are fine: logout is idempotent. */
  async logout(client: ClientContext, token: string): Promise<void> {
    const presented = this.tokens.parse(token);
    if (!presented) return;
    await this.dataSource.transaction(async (tx) => {
      const stored = await this.tokens.lock(tx, presented);
      if (!stored || stored.revokedAt) return;
      await this.tokens.revokeFamily(tx, stored.familyId);
      await this.audit.record(tx, { organizationId: stored.organizationId, userId: stored.userId, ...client }, {
        action: 'auth.logout', entityType: 'user', entityId: stored.userId,
      });
    });
  }
}
