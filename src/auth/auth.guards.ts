import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import {
  AuthenticatedUser,
  BEFORE_PASSWORD_CHANGE_KEY,
  IS_PUBLIC_KEY,
  MINIMUM_ROLE_KEY,
} from '../common/auth/decorators';
import { Actor, hasAtLeast, Role } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';

/** Deny by default: every route needs a valid bearer token unless it is marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.isPublic(context)) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown, context: ExecutionContext): T {
    // Not only our own refusals: a database outage while loading the user must answer 503
    // (through ProblemFilter), never 401, or clients would throw valid tokens away.
    if (error) throw error;
    if (user) return user;
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.headers.authorization)
      throw CommonErrors.AUTHENTICATION_REQUIRED('This endpoint needs Authorization: Bearer <access_token>');
    if ((info as Error | undefined)?.name === 'TokenExpiredError')
      throw CommonErrors.TOKEN_EXPIRED('The access token has expired; refresh it');
    throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
  }

  private isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true
    );
  }
}

/**
 * While an admin requires a user to change their password, that user reaches only the routes
 * `@Authenticated({ beforePasswordChange: true })` marks (their own user and the password
 * change); the flag is read with the user on every request, so the change frees them at once.
 */
@Injectable()
export class PasswordChangeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const user = context.switchToHttp().getRequest<Request>().user as AuthenticatedUser | undefined;
    if (user?.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE_KEY, targets)) {
      throw CommonErrors.PASSWORD_CHANGE_REQUIRED(
        'An admin requires you to choose a new password: change it with POST /users/me/password first',
      );
    }
    return true;
  }
}

/** Enforces the minimum role that `@Authenticated({ role })` put on the route. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const minimum = this.reflector.getAllAndOverride<Role | undefined>(MINIMUM_ROLE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const actor = context.switchToHttp().getRequest<Request>().user as Actor | undefined;
    if (!actor) throw CommonErrors.AUTHENTICATION_REQUIRED('This endpoint needs Authorization: Bearer <access_token>');
    if (!hasAtLeast(actor.role, minimum ?? 'employee')) {
      throw CommonErrors.INSUFFICIENT_PERMISSIONS(`Insufficient permissions: this needs the ${minimum} role or higher`);
    }
    return true;
  }
}
