import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { RefreshToken } from '../sessions/refresh-token.entity';
import { Sessions } from '../sessions/sessions';
import type { User } from '../users/user.entity';
import { TokenResponseDto } from './dto/auth.dto';

/**
 * What an access token carries: the user, their organization, the token version and the
 * session (refresh-token family) it belongs to, so that ending the session ends the token.
 */
export interface AccessTokenClaims {
  sub: string;
  org: string;
  ver: number;
  sid: string;
}

export interface PresentedRefreshToken {
  id: string;
  secret: string;
}

/**
 * Access tokens are short-lived JWTs; refresh tokens are `<id>.<secret>` strings of which only
 * the secret's SHA-256 is stored, rotated on every use within a family.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly sessions: Sessions,
  ) {}

  /** A new pair for the user: in a new session (login), or the next of `familyId` (refresh). */
  async issue(tx: EntityManager, user: User, familyId: string = randomUUID()): Promise<TokenResponseDto> {
    const secret = randomBytes(32).toString('base64url');
    const id = await this.sessions.storeRefreshToken(tx, {
      organizationId: user.organizationId,
      userId: user.id,
      familyId,
      tokenVersion: user.tokenVersion,
      secretHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
    });
    const claims: AccessTokenClaims = { sub: user.id, org: user.organizationId, ver: user.tokenVersion, sid: familyId };
    return {
      access_token: await this.jwt.signAsync(claims),
      refresh_token: `${id}.${secret}`,
      token_type: 'Bearer',
      expires_in: this.config.jwt.accessTtlSeconds,
      password_change_required: user.mustChangePassword,
    };
  }

  parse(token: string): PresentedRefreshToken | null {
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    return match ? { id: match[1], secret: match[2] } : null;
  }

  /** The presented token's row, locked, when its secret matches; null otherwise. */
  async lock(tx: EntityManager, presented: PresentedRefreshToken): Promise<RefreshToken | null> {
    const row = await this.sessions.lockRefreshToken(tx, presented.id);
    if (!row) return null;
    const expected = Buffer.from(row.secretHash, 'hex');
    const actual = Buffer.from(sha256(presented.secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? row : null;
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
