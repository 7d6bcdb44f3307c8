import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../common/auth/decorators';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { Sessions } from '../sessions/sessions';
import type { AccessTokenClaims } from './tokens.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies the bearer token and resolves it to the current user and session on every request,
 * in one statement, so that a deactivation, role change, password change, logout or revoked
 * session takes effect at once, not at token expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: Sessions,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, made once: given the secret as a string, jsonwebtoken first tries to read it
      // as a PEM public key on every verification and throws, which cost ~1 ms per request.
      secretOrKey: createSecretKey(Buffer.from(config.jwt.secret)) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthenticatedUser> {
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
      throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
    }
    return {
      userId: user.id,
      organizationId: user.organizationId,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
    };
  }
}
