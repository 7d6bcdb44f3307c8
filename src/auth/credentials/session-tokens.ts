import { createSecretKey, KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CommonErrors } from '../../common/errors/common.errors';
import { AppConfig } from '../../config/app-config';
import { Sessions } from '../../sessions/sessions';
import type { AccessTokenClaims } from '../tokens.service';
import type { VerifiedCaller } from './verified-caller';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Spendin's own access tokens (HS256, from /auth/login and /auth/refresh): verified, then resolved
 * to the current user and session on every request, in one statement, so that a deactivation,
 * role change, password change, logout or revoked session takes effect at once, not at expiry.
 */
@Injectable()
export class SessionTokens {
  // A KeyObject, made once: given the secret as a string, jsonwebtoken first tries to read it as
  // a PEM public key on every verification and throws, which cost ~1 ms per request.
  private readonly key: KeyObject;

  constructor(
    config: AppConfig,
    private readonly jwt: JwtService,
    private readonly sessions: Sessions,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwt.secret));
  }

  async authenticate(token: string): Promise<VerifiedCaller> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
      });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw CommonErrors.TOKEN_EXPIRED('The access token has expired; refresh it');
      }
      throw invalid();
    }
    // Tokens issued before sessions were named (no `sid`) are refused like revoked ones.
    const named =
      typeof claims.sub === 'string' &&
      UUID.test(claims.sub) &&
      typeof claims.sid === 'string' &&
      UUID.test(claims.sid);
    const user = named ? await this.sessions.findCaller(claims.sub, claims.sid) : null;
    if (
      !user ||
      !user.isActive ||
      !user.sessionOpen ||
      user.organizationId !== claims.org ||
      user.tokenVersion !== claims.ver
    ) {
      throw invalid();
    }
    return {
      userId: user.id,
      organizationId: user.organizationId,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
      mfaEnrolmentMissing: user.mfaEnrolmentMissing,
      via: 'session',
      organizationSuspended: user.organizationSuspended,
    };
  }
}

function invalid() {
  return CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
}
