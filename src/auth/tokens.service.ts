import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { User } from '../users/user.entity';
import { TokenResponseDto } from './dto/auth.dto';
import { RefreshToken } from './refresh-token.entity';

/** What an access token carries: the user, their organization and the token version. */
export interface AccessTokenClaims {
  sub: string;
  org: string;
  ver: number;
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
  ) {}

  async issue(tx: EntityManager, user: User, familyId: string = randomUUID()): Promise<TokenResponseDto> {
    const secret = randomBytes(32).toString('base64url');
    const refresh = tx.create(RefreshToken, {
      organizationId: user.organizationId,
      userId: user.id,
      familyId,
      secretHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
    });
    await tx.insert(RefreshToken, refresh);
    const claims: AccessTokenClaims = { sub: user.id, org: user.organizationId, ver: user.tokenVersion };
    return {
      access_token: await this.jwt.signAsync(claims),
      refresh_token: `${refresh.id}.${secret}`,
      token_type: 'Bearer',
      expires_in: this.config.jwt.accessTtlSeconds,
    };
  }

  parse(token: string): PresentedRefreshToken | null {
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
    return match ? { id: match[1], secret: match[2] } : null;
  }

  /** Row-locked, so that two refreshes with the same token are decided one after the other. */
  async lock(tx: EntityManager, presented: PresentedRefreshToken): Promise<RefreshToken | null> {
    const row = await tx.getRepository(RefreshToken).createQueryBuilder('t').setLock('pessimistic_write')
      .where('t.id = :id', { id: presented.id }).getOne();
    if (!row) return null;
    const expected = Buffer.from(row.secretHash, 'hex');
    const actual = Buffer.from(sha256(presented.secret), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? row : null;
  }

  async markUsed(tx: EntityManager, token: RefreshToken): Promise<void> {
    await tx.update(RefreshToken, { id: token.id }, { usedAt: new Date() });
  }

  async revokeFamily(tx: EntityManager, familyId: string): Promise<number> {
    const result = await tx.createQueryBuilder().update(RefreshToken).set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId }).execute();
    return result.affected ?? 0;
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
