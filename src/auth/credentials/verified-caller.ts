import type { AuthenticatedUser } from '../../common/auth/decorators';
import { CommonErrors } from '../../common/errors/common.errors';

/** What a verifier answers: the caller, and whether the operator has suspended their organization. */
export type VerifiedCaller = AuthenticatedUser & { organizationSuspended: boolean };

/** The 403 a caller of a suspended organization gets, whatever credential they hold. */
export function organizationSuspended() {
  return CommonErrors.ORGANIZATION_SUSPENDED(
    "The installation's operator has suspended this organization: its users, tokens and API access are refused until it is resumed",
  );
}

/** The caller, unless their organization is suspended (then 403 ORGANIZATION_SUSPENDED). */
export function admitted({ organizationSuspended: suspended, ...caller }: VerifiedCaller): AuthenticatedUser {
  if (suspended) throw organizationSuspended();
  return caller;
}
