import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/decorators';
import { OPERATOR_TOKEN_ISSUER } from '../../common/auth/operator';
import { CommonErrors } from '../../common/errors/common.errors';
import { SessionTokens } from './session-tokens';

/**
 * The one place that decides who a bearer credential names. Each kind of credential has its own
 * verifier, chosen by what the credential looks like, never by trying one after another:
 * - Spendin's own access tokens: JWTs without `iss` → SessionTokens.
 * - The installation operator's tokens (`iss` spendin:operator) open /operator routes only
 *   (OperatorGuard): here they name nobody, 401 INVALID_TOKEN.
 *
 * Every verifier answers whether the caller's organization is suspended, and this class alone
 * refuses such a caller (403 ORGANIZATION_SUSPENDED), whatever the credential.
 */
@Injectable()
export class Credentials {
  constructor(private readonly sessionTokens: SessionTokens) {}

  /** The caller a bearer credential names; throws the 401 problem that says why not. */
  async authenticate(credential: string): Promise<AuthenticatedUser> {
    const issuer = unverifiedIssuer(credential);
    if (issuer === undefined) return admitted(await this.sessionTokens.authenticate(credential));
    if (issuer === OPERATOR_TOKEN_ISSUER) {
      throw CommonErrors.INVALID_TOKEN("An operator's token opens the /operator routes only, not an organization's");
    }
    throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
  }
}

/** What a verifier answers: the caller, and whether the operator has suspended their organization. */
export type VerifiedCaller = AuthenticatedUser & { organizationSuspended: boolean };

function admitted({ organizationSuspended, ...caller }: VerifiedCaller): AuthenticatedUser {
  if (organizationSuspended) {
    throw CommonErrors.ORGANIZATION_SUSPENDED(
      "The installation's operator has suspended this organization: its users, tokens and API access are refused until it is resumed",
    );
  }
  return caller;
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
