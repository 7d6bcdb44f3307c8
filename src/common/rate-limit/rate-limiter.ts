import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import type { RateLimitBucket } from '../../config/http-settings';
import type { Actor } from '../auth/roles';
import { CommonErrors } from '../errors/common.errors';
import { API_PREFIX } from '../http/api-prefix';
import { BucketCount, counterKey, judge, trackerOf } from './rate-limit';
import { RateLimitStore } from './rate-limit.store';

/**
 * Counts a request of /api/v1 (health checks, the queue board and the API documentation are not
 * counted) in the general bucket and the stricter one its route names, for whom it comes from:
 * the API key or user `request.user` names, else the client address (`request.ip`, which
 * follows TRUST_PROXY). Sets the RateLimit-* headers; past a limit, throws 429 RATE_LIMITED.
 *
 * Fails open: when the store cannot count (Redis or PostgreSQL unreachable) the request goes on
 * uncounted, with a warning, since refusing every request would turn a store outage into an
 * API outage.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimit');
  /** Whether the store failed its last count: an outage is logged once, not once per request. */
  private storeDown = false;

  constructor(
    private readonly config: AppConfig,
    private readonly store: RateLimitStore,
  ) {}

  async count(request: Request, response: Response, strict?: Exclude<RateLimitBucket, 'general'>): Promise<void> {
    const { enabled, perMinute, windowSeconds } = this.config.rateLimit;
    // Express matches routes whatever their case: so must this, or /API/v1/auth/login goes uncounted.
    if (!enabled || !request.path.toLowerCase().startsWith(`/${API_PREFIX}/`)) return;
    const buckets: RateLimitBucket[] = strict ? ['general', strict] : ['general'];
    const tracker = trackerOf(request.user as Actor | undefined, request.ip);
    let counts: Array<{ hits: number; resetMs: number }>;
    try {
      counts = await this.store.hit(
        buckets.map((bucket) => counterKey(bucket, tracker)),
        windowSeconds,
      );
    } catch (error) {
      if (!this.storeDown)
        this.logger.warn(`Could not count requests, letting them through until it can: ${(error as Error).message}`);
      this.storeDown = true;
      return;
    }
    if (this.storeDown) this.logger.log('Counting requests again');
    this.storeDown = false;
    const verdict = judge(
      counts.map((count, i): BucketCount => ({ bucket: buckets[i], limit: perMinute[buckets[i]], ...count })),
    );
    for (const [name, value] of Object.entries(verdict.headers)) response.setHeader(name, value);
    if (verdict.retryAfter !== null) {
      const what = verdict.refusedBy === 'general' ? 'requests' : `${verdict.refusedBy} requests`;
      throw CommonErrors.RATE_LIMITED(`Too many ${what}; try again in ${verdict.retryAfter} seconds`, {
        headers: { 'Retry-After': String(verdict.retryAfter) },
      });
    }
  }
}
