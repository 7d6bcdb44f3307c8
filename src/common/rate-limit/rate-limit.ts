import type { RateLimitBucket } from '../../config/http-settings';

/** One bucket's count for this request, as the store answered it. */
export interface BucketCount {
  bucket: RateLimitBucket;
  limit: number;
  hits: number;
  /** Milliseconds until the bucket's window ends and its count starts again. */
  resetMs: number;
}

/** What a request is told: the IETF draft's RateLimit-* headers, and Retry-After when refused. */
export interface RateLimitVerdict {
  headers: Record<'RateLimit-Limit' | 'RateLimit-Remaining' | 'RateLimit-Reset', string>;
  /** Seconds to wait, when a bucket is past its limit; null when the request may go on. */
  retryAfter: number | null;
  /** The bucket that refused it. */
  refusedBy: RateLimitBucket | null;
}

/** Whom a request is counted for: an API key, else a user (any token), else the client address. */
export function trackerOf(user: { userId?: string; apiKeyId?: string } | undefined, ip: string | undefined): string {
  if (user?.apiKeyId) return `key:${user.apiKeyId}`;
  if (user?.userId) return `user:${user.userId}`;
  return `ip:${ip ?? 'unknown'}`;
}

/** The store's key of one bucket of one caller. */
export function counterKey(bucket: RateLimitBucket, tracker: string): string {
  return `${bucket}:${tracker}`;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The headers describe the bucket closest to its limit (the one a client must pace itself by);
 * a request past any bucket's limit is refused until the latest of the exceeded windows ends.
 */
export function judge(counts: BucketCount[]): RateLimitVerdict {
  if (counts.length === 0) throw new Error('judge needs at least one bucket count');
  const remaining = (count: BucketCount) => Math.max(0, count.limit - count.hits);
  const tightest = [...counts].sort((a, b) => remaining(a) - remaining(b) || b.resetMs - a.resetMs)[0];
  const over = counts.filter((count) => count.hits > count.limit);
  const worst = over.sort((a, b) => b.resetMs - a.resetMs)[0];
  return {
    headers: {
      'RateLimit-Limit': String(tightest.limit),
      'RateLimit-Remaining': String(remaining(tightest)),
      'RateLimit-Reset': String(seconds(tightest.resetMs)),
    },
    retryAfter: worst ? seconds(worst.resetMs) : null,
    refusedBy: worst?.bucket ?? null,
  };
}
