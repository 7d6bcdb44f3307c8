import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/decorators';
import { OPERATOR_TOKEN_ISSUER } from '../../common/auth/operator';
import { CommonErrors } from '../../common/errors/common.errors';
import { API_KEY_PREFIX } from '../api-keys/api-keys.service';
import { ApiKeyCredentials } from './api-key-credentials';
import { OidcTokens } from './oidc-tokens';
import { SessionTokens } from './session-tokens';
import { admitted } from './verified-caller';

/**
 * The one place that decides who a bearer credential names. Each kind of credential has its own
 * verifier, chosen by what the credential looks like, never by trying one after another:
 * - Spendin's own access tokens: JWTs without `iss` → SessionTokens;
 * - organization API keys: `sk_live_…` → ApiKeyCredentials;
 * - the installation operator's tokens (`iss` spendin:operator) open /operator routes only
 *   (OperatorGuard): here they name nobody, 401 INVALID_TOKEN;
 * - an organization's OpenID provider's tokens: JWTs whose `iss` an organization configured →
 *   OidcTokens (any other `iss` is INVALID_TOKEN).
 *
 * Every verifier answers whether the caller's organization is suspended, and this class alone
 * refuses such a caller (403 ORGANIZATION_SUSPENDED), whatever the credential.
 */
@Injectable()
export class Credentials {
  constructor(
    private readonly sessionTokens: SessionTokens,
    private readonly apiKeys: ApiKeyCredentials,
    private readonly oidcTokens: OidcTokens,
  ) {}

  /**
   * The caller a bearer credential names; throws the 401 problem that says why not. `request`
   * names the request in the audit entries a first OpenID sign-in writes (link, creation).
   */
  async authenticate(
    credential: string,
    request: { requestId?: string; ip?: string } = {},
  ): Promise<AuthenticatedUser> {
    if (credential.startsWith(API_KEY_PREFIX)) return admitted(await this.apiKeys.authenticate(credential));
    const issuer = unverifiedIssuer(credential);
    if (issuer === undefined) return admitted(await this.sessionTokens.authenticate(credential));
    if (issuer === OPERATOR_TOKEN_ISSUER) {
      throw CommonErrors.INVALID_TOKEN("An operator's token opens the /operator routes only, not an organization's");
    }
    if (issuer.length > 500) throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
    return admitted(await this.oidcTokens.authenticate(credential, issuer, request));
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
