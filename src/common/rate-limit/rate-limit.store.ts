import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimitsRepository } from './rate-limits.repository';

/** Where the counts live, shared by every API process: Redis or PostgreSQL. */
export abstract class RateLimitStore {
  /** Counts one request on each key and answers each key's count and the milliseconds until its window ends. */
  abstract hit(keys: string[], windowSeconds: number): Promise<Array<{ hits: number; resetMs: number }>>;
}

export class PostgresRateLimitStore extends RateLimitStore implements OnModuleInit, OnModuleDestroy {
  private cleanup?: NodeJS.Timeout;

  constructor(
    private readonly counters: RateLimitsRepository,
    private readonly windowSeconds: number,
  ) {
    super();
  }

  onModuleInit(): void {
    this.cleanup = setInterval(
      () => void this.counters.forgetOld(this.windowSeconds).catch(() => undefined),
      this.windowSeconds * 1000,
    );
    this.cleanup.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanup);
  }

  hit(keys: string[], windowSeconds: number): Promise<Array<{ hits: number; resetMs: number }>> {
    return this.counters.hit(keys, windowSeconds);
  }
}

// INCR and PEXPIRE of each key in one script, which Redis runs atomically: a key always gets its
// expiry with its first count, whatever process counts at the same moment.
const HIT_SCRIPT = `
local answers = {}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  if hits == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  answers[i] = { hits, ttl }
end
return answers`;

export class RedisRateLimitStore extends RateLimitStore implements OnModuleDestroy {
  private readonly redis: Redis;

  /** `prefix`: the deployment's QUEUE_PREFIX, so that installations sharing a Redis keep their counts apart. */
  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    // No offline queue: while Redis is unreachable a count fails at once (and the request goes
    // on uncounted, see RateLimitGuard) instead of waiting for a reconnection.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.redis.on('error', (error: Error) => new Logger('RateLimit').warn(`Redis: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async hit(keys: string[], windowSeconds: number): Promise<Array<{ hits: number; resetMs: number }>> {
    const prefixed = keys.map((key) => `${this.prefix}:ratelimit:${key}`);
    const answers = (await this.redis.eval(HIT_SCRIPT, prefixed.length, ...prefixed, windowSeconds * 1000)) as Array<
      [number, number]
    >;
    return answers.map(([hits, resetMs]) => ({ hits, resetMs }));
  }
}
