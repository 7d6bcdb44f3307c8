import { defineErrors } from '../../common/errors/domain-error';

export const MfaErrors = defineErrors({
  // 401: the login's second step failed; the client asks for the code again (or logs in again).
  MFA_TOKEN_INVALID: { status: 401, title: 'Invalid MFA token' },
  INVALID_MFA_CODE: { status: 401, title: 'Invalid MFA code' },
  MFA_ALREADY_ENABLED: { status: 409, title: 'MFA already enabled' },
  MFA_NOT_ENROLLED: { status: 409, title: 'No MFA enrolment' },
  // 403, not 401, for a wrong code on the caller's own routes: the bearer token is fine.
  WRONG_MFA_CODE: { status: 403, title: 'Wrong MFA code' },
});
