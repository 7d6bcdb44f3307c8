import { defineErrors } from '../common/errors/domain-error';

export const AuthErrors = defineErrors({
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  REFRESH_TOKEN_INVALID: { status: 401, title: 'Invalid refresh token' },
  REFRESH_TOKEN_REUSED: { status: 401, title: 'Refresh token reused' },
  TOO_MANY_LOGIN_ATTEMPTS: { status: 429, title: 'Too many failed logins' },
  // The e-mail and password open accounts in several organizations: the answer lists them.
  ORGANIZATION_REQUIRED: { status: 409, title: 'Organization required' },
  // 403, not 401: the bearer token is fine, and a client that sees 401 would throw it away.
  INVALID_CURRENT_PASSWORD: { status: 403, title: 'Current password is wrong' },
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
});
