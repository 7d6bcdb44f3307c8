import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import type { RateLimitBucket } from '../../config/http-settings';
import type { Actor } from '../auth/roles';
import { CommonErrors } from '../errors/common.errors';
import { API_PREFIX } from '../http/api-prefix';
import { RATE_LIMIT_BUCKET_KEY } from './rate-limit.decorator';
import { BucketCount, counterKey, judge, trackerOf } from './rate-limit';
import { RateLimitStore } from './rate-limit.store';

/**
 * The general rate limit of every /api/v1 route (health checks, the queue board and the API
 * documentation are not counted), plus the stricter bucket a route names with @RateLimited.
 * Registered right after BearerAuthGuard (src/auth/auth.module.ts), so that a request that
 * authenticated is counted for its API key or user, and any other for its client address
 * (`request.ip`, which follows TRUST_PROXY). A request refused before that (401) is not counted.
 *
 * Fails open: when the store cannot count (Redis or PostgreSQL unreachable) the request goes on
 * uncounted, with a warning, since refusing every request would turn a store outage into an
 * API outage.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly store: RateLimitStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { enabled, perMinute, windowSeconds } = this.config.rateLimit;
    if (!enabled || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.path.startsWith(`/${API_PREFIX}/`)) return true;
    const strict = this.reflector.getAllAndOverride<RateLimitBucket | undefined>(RATE_LIMIT_BUCKET_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const buckets: RateLimitBucket[] = strict ? ['general', strict] : ['general'];
    const tracker = trackerOf(request.user as Actor | undefined, request.ip);
    let counts: Array<{ hits: number; resetMs: number }>;
    try {
      counts = await this.store.hit(
        buckets.map((bucket) => counterKey(bucket, tracker)),
        windowSeconds,
      );
    } catch (error) {
      this.logger.warn(`Could not count a request, let through: ${(error as Error).message}`);
      return true;
    }
    const verdict = judge(
      counts.map((count, i): BucketCount => ({ bucket: buckets[i], limit: perMinute[buckets[i]], ...count })),
    );
    const response = context.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(verdict.headers)) response.setHeader(name, value);
    if (verdict.retryAfter !== null) {
      const what = verdict.refusedBy === 'general' ? 'requests' : `${verdict.refusedBy} requests`;
      throw CommonErrors.RATE_LIMITED(`Too many ${what}; try again in ${verdict.retryAfter} seconds`, {
        headers: { 'Retry-After': String(verdict.retryAfter) },
      });
    }
    return true;
  }
}
