import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/decorators';
import { isApiKeyScope } from '../../common/auth/scopes';
import { CommonErrors } from '../../common/errors/common.errors';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { API_KEY_FORMAT, prefixOf, secretHashOf } from '../api-keys/api-keys.service';

const USE_RECORDED_EVERY_MS = 60_000;

/**
 * Organization API keys (`sk_live_<public id>_<secret>`): the row is found by its public id, the
 * secret compared as a SHA-256 in constant time, and then revocation, expiry and the creator's
 * standing are checked, each with its own 401 code. A key acts with its creator's user (who must
 * still be an active admin) and carries its scopes, by which ScopesGuard judges it.
 */
@Injectable()
export class ApiKeyCredentials {
  constructor(private readonly keys: ApiKeysRepository) {}

  async authenticate(credential: string): Promise<AuthenticatedUser> {
    const match = API_KEY_FORMAT.exec(credential);
    if (!match) throw invalid();
    const [, publicId, secret] = match;
    const key = await this.keys.forCredential(publicId);
    // Hash even when there is no such key, so that an unknown key costs what a wrong secret does.
    const presented = Buffer.from(secretHashOf(secret), 'hex');
    const stored = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
    if (!key || !timingSafeEqual(presented, stored)) throw invalid();
    if (key.revokedAt) throw CommonErrors.API_KEY_REVOKED(`The API key ${prefixOf(publicId)} was revoked`);
    if (key.expiresAt && key.expiresAt.getTime() <= key.now.getTime()) {
      throw CommonErrors.API_KEY_EXPIRED(`The API key ${prefixOf(publicId)} expired at ${key.expiresAt.toISOString()}`);
    }
    if (!key.creatorActive || key.creatorRole !== 'admin') {
      throw CommonErrors.API_KEY_CREATOR_INACTIVE(
        'The admin who created this API key is no longer an active admin; an admin must create a new key',
      );
    }
    if (!key.lastUsedAt || key.now.getTime() - key.lastUsedAt.getTime() >= USE_RECORDED_EVERY_MS) {
      await this.keys.touch(key.id);
    }
    return {
      userId: key.createdBy,
      organizationId: key.organizationId,
      role: key.creatorRole,
      mustChangePassword: false,
      via: 'api_key',
      apiKeyId: key.id,
      scopes: key.scopes.filter(isApiKeyScope),
    };
  }
}

function invalid() {
  return CommonErrors.INVALID_TOKEN('The API key is invalid');
}
