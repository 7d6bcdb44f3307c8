import { defineErrors } from '../../common/errors/domain-error';

export const PasswordResetErrors = defineErrors({
  TOO_MANY_RESET_REQUESTS: { status: 429, title: 'Too many password reset requests' },
  // Unknown, malformed, or for a user who can no longer log in: nothing to retry with.
  RESET_TOKEN_INVALID: { status: 400, title: 'Invalid password reset token' },
  // The token was real: it has been used, or has expired; ask for a new one.
  RESET_TOKEN_USED: { status: 410, title: 'Password reset token already used' },
  RESET_TOKEN_EXPIRED: { status: 410, title: 'Password reset token expired' },
});
