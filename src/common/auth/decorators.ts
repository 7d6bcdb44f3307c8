import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { CommonErrors } from '../errors/common.errors';
import { ApiProblems } from '../swagger/api-problems.decorator';
import { CredentialErrors } from './credential.errors';
import { Actor, LADDER, LadderRole, Role } from './roles';
import { ApiKeyScope } from './scopes';

export const IS_PUBLIC_KEY = 'spendin:public';
export const MINIMUM_ROLE_KEY = 'spendin:minimum-role';
export const BEFORE_PASSWORD_CHANGE_KEY = 'spendin:before-password-change';
export const BEFORE_MFA_ENROLMENT_KEY = 'spendin:before-mfa-enrolment';
export const ADMITS_ACCOUNTANT_KEY = 'spendin:admits-accountant';
export const REQUIRED_SCOPE_KEY = 'spendin:required-scope';

/** How the caller proved who they are: Spendin's own access token, an OpenID provider's token, or an organization API key. */
export type CredentialKind = 'session' | 'oidc' | 'api_key';

/**
 * What the bearer guard puts on the request: the caller, the kind of credential they presented,
 * and whether an admin requires a new password first.
 */
export interface AuthenticatedUser extends Omit<Actor, 'requestId' | 'ip'> {
  mustChangePassword: boolean;
  /**
   * Spendin session tokens only: the organization requires a second factor the user has not
   * confirmed (read with the caller, like mustChangePassword; MfaEnrolmentGuard acts on it).
   */
  mfaEnrolmentMissing?: boolean;
  via: CredentialKind;
  /** With `via: 'api_key'`: the scopes the key holds (ScopesGuard judges the key by them, not by role). */
  scopes?: readonly ApiKeyScope[];
}

/** Marks a public operation in the OpenAPI document until it is given `security: []` (app.setup.ts). */
export const PUBLIC_EXTENSION = 'x-public';

/** Opts a route out of the global bearer-token guard (login, refresh, health, webhooks). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));

const UNAUTHENTICATED = [
  [CommonErrors.AUTHENTICATION_REQUIRED, 'A bearer token is required'],
  [CommonErrors.INVALID_TOKEN, 'The bearer token is invalid or has been revoked'],
  [CommonErrors.TOKEN_EXPIRED, 'The bearer token has expired; refresh it'],
  [CommonErrors.API_KEY_REVOKED, 'The API key sk_live_3f9a1c0b7d2e4f68 was revoked'],
  [CommonErrors.API_KEY_EXPIRED, 'The API key sk_live_3f9a1c0b7d2e4f68 expired at 2026-06-30T00:00:00.000Z'],
  [CommonErrors.API_KEY_CREATOR_INACTIVE, 'The admin who created this API key is no longer an active admin'],
  [CredentialErrors.TOKEN_AUDIENCE_MISMATCH, "An OpenID provider's token made for another audience"],
  [
    CredentialErrors.TOKEN_ALGORITHM_NOT_ALLOWED,
    "An OpenID provider's token signed with an algorithm the organization does not allow",
  ],
  [
    CredentialErrors.OIDC_USER_UNKNOWN,
    "An OpenID provider's token for someone who is not a user, and just-in-time creation is off",
  ],
  [CredentialErrors.USER_DEACTIVATED, "An OpenID provider's token for a user deactivated in Spendin"],
] as const;
const SUSPENDED = [
  CommonErrors.ORGANIZATION_SUSPENDED,
  "The installation's operator has suspended this organization: its users, tokens and API access are refused until it is resumed",
] as const;

/** "the finance role or higher, or the accountant role": the words of a route's 403, documented and answered. */
export function whoMayCall(minimum: LadderRole, admitsAccountant: boolean): string {
  const ladder = minimum === 'admin' ? 'the admin role' : `the ${minimum} role or higher`;
  return admitsAccountant ? `${ladder}, or the accountant role` : `${ladder} (not the accountant role)`;
}

/** The OpenAPI extension naming the scope an API key needs on a route (absent: API keys are refused). */
export const REQUIRED_SCOPE_EXTENSION = 'x-required-scope';

/**
 * The one decorator a protected route carries: it needs a bearer token and, when `role`
 * is given, at least that role of the ladder. The accountant is on no rung: only routes with
 * `accountant: true` answer them (reading spends, receipts, reports, exports and the audit log,
 * managing categories and vendors, their own user). An organization API key is judged by `scope`
 * instead (a route without one refuses keys: ScopesGuard). It also documents the bearer schemes
 * (`apiKey` only with a scope), the 401/403 answers, the role in the operation's `x-minimum-role`,
 * every role that may call in `x-roles` and the scope in `x-required-scope`. While an admin
 * requires a user to change their password, only routes with `beforePasswordChange` answer that
 * user (GET /users/me and POST /users/me/password); every other answers 403 PASSWORD_CHANGE_REQUIRED.
 * Likewise, while their organization requires a second factor they have not confirmed, only those
 * routes and the ones with `beforeMfaEnrolment` (enrolling) answer them; every other answers 403
 * MFA_ENROLMENT_REQUIRED (MfaEnrolmentGuard).
 */
export function Authenticated(
  options: {
    role?: LadderRole;
    accountant?: boolean;
    beforePasswordChange?: boolean;
    beforeMfaEnrolment?: boolean;
    /**
     * The scope an organization API key needs here; without one, API keys are refused (403
     * INSUFFICIENT_SCOPE). Session users are judged by `role` alone. See ScopesGuard.
     */
    scope?: ApiKeyScope;
  } = {},
) {
  const minimum = options.role ?? 'employee';
  const roles: Role[] = [
    ...LADDER.slice(LADDER.indexOf(minimum)),
    ...(options.accountant ? ['accountant' as const] : []),
  ];
  const problems: Array<[typeof CommonErrors.INVALID_TOKEN, string]> = UNAUTHENTICATED.map(([f, d]) => [f, d]);
  if (minimum !== 'employee' || !options.accountant) {
    problems.push([
      CommonErrors.INSUFFICIENT_PERMISSIONS,
      `Requires ${whoMayCall(minimum, options.accountant === true)}`,
    ]);
  }
  problems.push([
    CommonErrors.INSUFFICIENT_SCOPE,
    options.scope
      ? `This API key lacks the ${options.scope} scope`
      : "API keys cannot call this route: it needs a user's access token",
  ]);
  const scoped = options.scope
    ? [
        SetMetadata(REQUIRED_SCOPE_KEY, options.scope),
        ApiBearerAuth('apiKey'),
        ApiExtension(REQUIRED_SCOPE_EXTENSION, options.scope),
      ]
    : [];
  problems.push([...SUSPENDED]);
  if (!options.beforePasswordChange) {
    problems.push([
      CommonErrors.PASSWORD_CHANGE_REQUIRED,
      'An admin requires a new password: change it with POST /users/me/password first',
    ]);
  }
  if (!options.beforePasswordChange && !options.beforeMfaEnrolment) {
    problems.push([
      CommonErrors.MFA_ENROLMENT_REQUIRED,
      'The organization requires a second factor: enrol with POST /users/me/mfa/totp and confirm it first',
    ]);
  }
  return applyDecorators(
    SetMetadata(MINIMUM_ROLE_KEY, minimum),
    SetMetadata(ADMITS_ACCOUNTANT_KEY, options.accountant === true),
    SetMetadata(BEFORE_PASSWORD_CHANGE_KEY, options.beforePasswordChange === true),
    SetMetadata(BEFORE_MFA_ENROLMENT_KEY, options.beforeMfaEnrolment === true),
    ApiBearerAuth('bearer'),
    ApiBearerAuth('oidc'),
    // Machine-readable for clients and for the generated authorization matrix test.
    ApiExtension('x-minimum-role', minimum),
    ApiExtension('x-roles', roles),
    ...scoped,
    ApiProblems(...problems),
  );
}

/** The authenticated caller, as set on the request by the bearer guard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<Request>();
  const user = request.user as AuthenticatedUser;
  return {
    userId: user.userId,
    organizationId: user.organizationId,
    role: user.role,
    requestId: String(request.id),
    ip: request.ip,
    ...(user.apiKeyId ? { apiKeyId: user.apiKeyId } : {}),
  };
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types the request through this namespace
  namespace Express {
    interface Request {
      /** The caller, set by the bearer guard on every route that is not public. */
      user?: AuthenticatedUser;
    }
  }
}
