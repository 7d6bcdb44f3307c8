import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/decorators';
import { CommonErrors } from '../../common/errors/common.errors';
import { API_KEY_PREFIX } from '../api-keys/api-keys.service';
import { ApiKeyCredentials } from './api-key-credentials';
import { SessionTokens } from './session-tokens';

/**
 * The one place that decides who a bearer credential names. Each kind of credential has its own
 * verifier, chosen by what the credential looks like, never by trying one after another:
 * - Spendin's own access tokens: JWTs without `iss` → SessionTokens;
 * - organization API keys: `sk_live_…` → ApiKeyCredentials.
 */
@Injectable()
export class Credentials {
  constructor(
    private readonly sessionTokens: SessionTokens,
    private readonly apiKeys: ApiKeyCredentials,
  ) {}

  /** The caller a bearer credential names; throws the 401 problem that says why not. */
  authenticate(credential: string): Promise<AuthenticatedUser> {
    if (credential.startsWith(API_KEY_PREFIX)) return this.apiKeys.authenticate(credential);
    const issuer = unverifiedIssuer(credential);
    if (issuer === undefined) return this.sessionTokens.authenticate(credential);
    return Promise.reject(CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked'));
  }
}

/**
 * The `iss` claim of a JWT, read without verifying it (only to pick the verifier that will);
 * undefined when the credential is not a JWT or has no string `iss`.
 */
export function unverifiedIssuer(credential: string): string | undefined {
  const parts = credential.split('.');
  if (parts.length !== 3 || parts[1].length > 16_384) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const iss = (payload as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
