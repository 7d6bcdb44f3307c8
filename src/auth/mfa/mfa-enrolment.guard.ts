import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  AuthenticatedUser,
  BEFORE_MFA_ENROLMENT_KEY,
  BEFORE_PASSWORD_CHANGE_KEY,
  IS_PUBLIC_KEY,
} from '../../common/auth/decorators';
import { CommonErrors } from '../../common/errors/common.errors';

/**
 * While an organization requires a second factor (`settings.require_mfa`), a user of it without
 * a confirmed one reaches only the routes that answer before a password change (GET /users/me,
 * POST /users/me/password) and those `@Authenticated({ beforeMfaEnrolment: true })` marks (enrolling and confirming);
 * every other answers 403 MFA_ENROLMENT_REQUIRED. Runs after PasswordChangeGuard, so a user who
 * must change their password hears that first. It judges Spendin's own session tokens only.
 * The requirement and the enrolment are read with the caller on every request (the session
 * lookup), so turning the setting on (or confirming an enrolment) takes effect at once.
 */
@Injectable()
export class MfaEnrolmentGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(BEFORE_MFA_ENROLMENT_KEY, targets)) return true;
    const user = context.switchToHttp().getRequest<Request>().user as AuthenticatedUser | undefined;
    if (!user) return true; // RolesGuard answers 401.
    // Only people who logged in with a password here: other credentials (an identity provider's
    // token, an API key) prove who they are elsewhere.
    // The flag comes with the caller (one statement per request): no query here.
    if (user.via !== 'session' || !user.mfaEnrolmentMissing) return true;
    throw CommonErrors.MFA_ENROLMENT_REQUIRED(
      'Your organization requires two-factor authentication: enrol with POST /users/me/mfa/totp and confirm with POST /users/me/mfa/totp/confirm first',
    );
  }
}
