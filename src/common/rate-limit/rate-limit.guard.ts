import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { RateLimitBucket } from '../../config/http-settings';
import { RATE_LIMIT_BUCKET_KEY } from './rate-limit.decorator';
import { RateLimiter } from './rate-limiter';

/**
 * The rate limit of every /api/v1 route (RateLimiter), with the stricter bucket a route names
 * with @RateLimited. Registered right after BearerAuthGuard (src/auth/auth.module.ts), so that a
 * request that authenticated is counted for its API key or user; a credential refused there is
 * counted for the client address by BearerAuthGuard itself.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const strict = this.reflector.getAllAndOverride<Exclude<RateLimitBucket, 'general'> | undefined>(
      RATE_LIMIT_BUCKET_KEY,
      [context.getHandler(), context.getClass()],
    );
    const http = context.switchToHttp();
    await this.limiter.count(http.getRequest<Request>(), http.getResponse<Response>(), strict);
    return true;
  }
}
