import { defineErrors } from '../common/errors/domain-error';

export const IdentityErrors = defineErrors({
  // Another organization configured this issuer: a token's `iss` must name one organization.
  OIDC_ISSUER_TAKEN: { status: 409, title: 'Issuer already configured' },
  OIDC_SETTINGS_NOT_FOUND: { status: 404, title: 'No OpenID provider configured' },
});
