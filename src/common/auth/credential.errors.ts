import { defineErrors } from '../errors/domain-error';

/**
 * Why an OpenID Connect bearer token (docs/integrations-oidc.md) was refused, beside the
 * CommonErrors every bearer credential can get (INVALID_TOKEN for an unknown issuer or a bad
 * signature, TOKEN_EXPIRED). Here, not in src/identity, because `@Authenticated` documents them
 * on every protected operation.
 */
export const CredentialErrors = defineErrors({
  TOKEN_AUDIENCE_MISMATCH: { status: 401, title: 'Token audience mismatch' },
  TOKEN_ALGORITHM_NOT_ALLOWED: { status: 401, title: 'Token algorithm not allowed' },
  OIDC_USER_UNKNOWN: { status: 401, title: 'No Spendin user for this identity' },
  USER_DEACTIVATED: { status: 401, title: 'User deactivated' },
});
