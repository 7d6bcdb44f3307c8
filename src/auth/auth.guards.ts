import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  ADMITS_ACCOUNTANT_KEY,
  AuthenticatedUser,
  BEFORE_PASSWORD_CHANGE_KEY,
  IS_PUBLIC_KEY,
  MINIMUM_ROLE_KEY,
  REQUIRED_SCOPE_KEY,
  whoMayCall,
} from '../common/auth/decorators';
import { Actor, hasAtLeast, LadderRole } from '../common/auth/roles';
import type { ApiKeyScope } from '../common/auth/scopes';
import { CommonErrors } from '../common/errors/common.errors';
import { DomainError } from '../common/errors/domain-error';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { Credentials } from './credentials/credentials';

/**
 * Deny by default: every route needs a bearer credential unless it is marked `@Public()`.
 * Which kind of credential it is, and whom it names, is Credentials' call; this guard only reads
 * the header and puts the caller on the request.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: Credentials,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    if (!header) throw CommonErrors.AUTHENTICATION_REQUIRED('This endpoint needs Authorization: Bearer <access_token>');
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw CommonErrors.INVALID_TOKEN('The Authorization header must be "Bearer <credential>"');
    // A database outage while loading the caller surfaces as 503 (ProblemFilter), never 401, or
    // clients would throw valid tokens away.
    try {
      request.user = await this.credentials.authenticate(match[1], { requestId: String(request.id), ip: request.ip });
    } catch (error) {
      // A refused credential (401) is counted for the client address (RateLimitGuard, after this
      // one, counts only the callers it lets through): guessing keys or tokens is rate limited
      // too. Not an outage's 503: its answer must stay prompt.
      if (error instanceof DomainError && error.status === 401) {
        await this.limiter.count(request, context.switchToHttp().getResponse<Response>());
      }
      throw error;
    }
    return true;
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

/**
 * Enforces the minimum role that `@Authenticated({ role })` put on the route; the accountant,
 * on no rung of the ladder, passes only where `@Authenticated({ accountant: true })` admits them.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const minimum =
      this.reflector.getAllAndOverride<LadderRole | undefined>(MINIMUM_ROLE_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'employee';
    const admitsAccountant =
      this.reflector.getAllAndOverride<boolean | undefined>(ADMITS_ACCOUNTANT_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const actor = context.switchToHttp().getRequest<Request>().user as Actor | undefined;
    if (!actor) throw CommonErrors.AUTHENTICATION_REQUIRED('This endpoint needs Authorization: Bearer <access_token>');
    const allowed = actor.role === 'accountant' ? admitsAccountant : hasAtLeast(actor.role, minimum);
    if (!allowed) {
      throw CommonErrors.INSUFFICIENT_PERMISSIONS(
        `Insufficient permissions: this needs ${whoMayCall(minimum, admitsAccountant)}`,
      );
    }
    return true;
  }
}

/**
 * Judges organization API keys by scope, after RolesGuard: a session user passes untouched
 * (their role was judged already); an API key needs the scope `@Authenticated({ scope })` put
 * on the route, and a route that names none refuses every key (deny by default), so that a
 * route added later is closed to keys until someone decides which scope opens it.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const user = context.switchToHttp().getRequest<Request>().user as AuthenticatedUser | undefined;
    if (user?.via !== 'api_key') return true;
    const needed = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(REQUIRED_SCOPE_KEY, targets);
    if (needed === undefined) {
      throw CommonErrors.INSUFFICIENT_SCOPE("API keys cannot call this route: it needs a user's access token", {
        body: { required_scope: null },
      });
    }
    if (!(user.scopes ?? []).includes(needed)) {
      throw CommonErrors.INSUFFICIENT_SCOPE(`This API key lacks the ${needed} scope this route needs`, {
        body: { required_scope: needed },
      });
    }
    return true;
  }
}
