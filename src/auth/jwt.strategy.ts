import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { UsersRepository } from '../users/users.repository';
import type { AccessTokenClaims } from './tokens.service';

/**
 * Verifies the bearer token and resolves it to the current user on every request, so that a
 * deactivation, role change or password change takes effect at once, not at token expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
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

  async validate(claims: AccessTokenClaims): Promise<Omit<Actor, 'requestId' | 'ip'>> {
    const user = typeof claims.sub === 'string' ? await this.users.findByIdForAuthentication(claims.sub) : null;
    if (!user || !user.isActive || user.organizationId !== claims.org || user.tokenVersion !== claims.ver) {
      throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
    }
    return { userId: user.id, organizationId: user.organizationId, role: user.role };
  }
}
