import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter';
import { PostgresRateLimitStore, RateLimitStore, RedisRateLimitStore } from './rate-limit.store';
import { RateLimitsRepository } from './rate-limits.repository';

/**
 * The rate limit: its guard (made global by AuthModule, after authentication), the limiter that
 * BearerAuthGuard also counts refused credentials with, and its store.
 */
@Module({
  providers: [
    RateLimitsRepository,
    {
      provide: RateLimitStore,
      inject: [AppConfig, RateLimitsRepository],
      useFactory: (config: AppConfig, counters: RateLimitsRepository): RateLimitStore =>
        config.rateLimit.store === 'redis' && config.redisUrl
          ? new RedisRateLimitStore(config.redisUrl, config.jobs.queuePrefix)
          : new PostgresRateLimitStore(counters, config.rateLimit.windowSeconds),
    },
    RateLimiter,
    RateLimitGuard,
  ],
  exports: [RateLimitGuard, RateLimiter],
})
export class RateLimitModule {}
