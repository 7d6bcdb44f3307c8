import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Directory } from '../../users/directory';
import type { User } from '../../users/user.entity';
import type { ClientContext } from '../auth.service';
import { TokenResponseDto } from '../dto/auth.dto';
import { LoginThrottle, ThrottleKey } from '../login-throttle';
import { newOneTimeSecret, parseOneTimeToken, secretMatches } from '../one-time-token';
import { TokensService } from '../tokens.service';
import { MfaChallengeResponseDto } from './dto/mfa.dto';
import { MfaCodes } from './mfa-codes';
import { MfaErrors } from './mfa.errors';
import { MfaRepository } from './mfa.repository';

/** How long the second step of a login may wait for its code. */
export const MFA_CHALLENGE_TTL_SECONDS = 300;

/**
 * Login in two steps for a user with a second factor: the password answers an `mfa_token`
 * (`<id>.<secret>`, not a JWT, so no guard ever takes it for a bearer token; only its SHA-256
 * is stored), and POST /auth/mfa trades it and a code for the token pair. The token works for
 * five minutes and once; wrong codes count on the user's `mfa` throttle, so the limit holds
 * however many times the password is entered again.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MfaRepository,
    private readonly codes: MfaCodes,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokensService,
    private readonly directory: Directory,
    private readonly audit: AuditService,
  ) {}

  /** After the password: the challenge to answer, or null when the user has no second factor. */
  async challenge(user: User, client: ClientContext): Promise<MfaChallengeResponseDto | null> {
    const enrolment = await this.repository.find(user.organizationId, user.id);
    if (!enrolment?.confirmedAt) return null;
    const { secret, hash } = newOneTimeSecret();
    const id = await this.dataSource.transaction(async (tx) => {
      const challengeId = await this.repository.insertChallenge(tx, {
        organizationId: user.organizationId,
        userId: user.id,
        secretHash: hash,
        expiresAt: new Date(Date.now() + MFA_CHALLENGE_TTL_SECONDS * 1000),
      });
      await this.audit.record(
        tx,
        { organizationId: user.organizationId, userId: user.id, role: user.role, ...client },
        { action: 'auth.mfa_challenged', entityType: 'user', entityId: user.id },
      );
      return challengeId;
    });
    return { mfa_required: true, mfa_token: `${id}.${secret}`, expires_in: MFA_CHALLENGE_TTL_SECONDS };
  }

  /** The second step: a TOTP code or an unused recovery code answers the token pair. */
  async complete(client: ClientContext, mfaToken: string, code: string): Promise<TokenResponseDto> {
    const presented = parseOneTimeToken(mfaToken);
    const challenge = presented ? await this.repository.findChallenge(presented.id) : null;
    if (
      !presented ||
      !challenge ||
      !secretMatches(challenge.secretHash, presented.secret) ||
      challenge.usedAt ||
      challenge.expiresAt.getTime() <= Date.now()
    ) {
      throw MfaErrors.MFA_TOKEN_INVALID('The mfa_token is unknown, used or expired; log in again');
    }
    const account: ThrottleKey[] = [{ kind: 'mfa', key: challenge.userId }];
    await this.throttle.attempt(account, client.ip);
    const { organizationId, userId } = challenge;
    const outcome = await this.dataSource.transaction(async (tx) => {
      const user = await this.directory.user(organizationId, userId, tx);
      const enrolment = await this.repository.lock(tx, organizationId, userId);
      if (!user?.isActive || !enrolment?.confirmedAt)
        return { error: MfaErrors.MFA_TOKEN_INVALID('The mfa_token is unknown, used or expired; log in again') };
      const accepted = await this.codes.accept(tx, enrolment, code, { recoveryCodes: true });
      if (!accepted) return { wrong: true as const };
      if (!(await this.repository.useChallenge(tx, challenge.id)))
        return { error: MfaErrors.MFA_TOKEN_INVALID('The mfa_token is unknown, used or expired; log in again') };
      const actor = { organizationId, userId, role: user.role, ...client };
      if (accepted.method === 'recovery_code') {
        await this.audit.record(tx, actor, {
          action: 'user.mfa_recovery_code_used',
          entityType: 'user',
          entityId: userId,
          metadata: { recovery_codes_left: accepted.recoveryCodesLeft },
        });
      }
      const issued = await this.tokens.issue(tx, user);
      await this.audit.record(tx, actor, {
        action: 'auth.login',
        entityType: 'user',
        entityId: userId,
        metadata: { mfa: accepted.method },
      });
      return { tokens: issued };
    });
    if ('error' in outcome) throw outcome.error;
    if ('wrong' in outcome) {
      await this.dataSource.transaction((tx) =>
        this.audit.record(
          tx,
          { organizationId, userId: null, ...client },
          { action: 'auth.mfa_failed', entityType: 'user', entityId: userId },
        ),
      );
      throw MfaErrors.INVALID_MFA_CODE('The code is wrong, expired or already used');
    }
    await this.throttle.succeeded(account, client.ip);
    return outcome.tokens;
  }
}
