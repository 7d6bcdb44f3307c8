import { ConfigError } from './config-error';
import type { HttpEnvironment } from './environment-http';

/** The buckets a request may be counted in besides `general`: stricter limits on costly routes. */
export const RATE_LIMIT_BUCKETS = ['login', 'uploads', 'exports', 'reports'] as const;
export type RateLimitBucket = 'general' | (typeof RATE_LIMIT_BUCKETS)[number];

/**
 * Requests per minute per caller (an API key, else a user, else a client address), counted in
 * Redis when REDIS_URL is set (or `store` says so), in PostgreSQL otherwise; see docs/security.md.
 */
export interface RateLimitSettings {
  enabled: boolean;
  store: 'redis' | 'postgres';
  windowSeconds: number;
  perMinute: Record<RateLimitBucket, number>;
}

/** Exact origins allowed to call the API from a browser; empty: no CORS headers at all. */
export interface CorsSettings {
  origins: string[];
}

/** Node's http server timeouts (main.ts); see docs/operations.md. */
export interface HttpTimeouts {
  keepAliveMs: number;
  headersMs: number;
  requestMs: number;
}

/**
 * 65 s: above the idle timeout of common load balancers (AWS ALB 60 s, Google's 600 s needs
 * more), so that the balancer, not Node, closes an idle connection and never sends a request
 * on one Node is closing. Node's own default is 5 s.
 */
export const DEFAULT_KEEP_ALIVE_MS = 65_000;

export function rateLimitSettings(e: HttpEnvironment): RateLimitSettings {
  if (e.RATE_LIMIT_STORE === 'redis' && !e.REDIS_URL) {
    throw new ConfigError(['RATE_LIMIT_STORE: redis needs REDIS_URL (got "redis")']);
  }
  return {
    enabled: e.RATE_LIMIT_ENABLED ?? true,
    store: e.RATE_LIMIT_STORE ?? (e.REDIS_URL ? 'redis' : 'postgres'),
    windowSeconds: 60,
    perMinute: {
      general: e.RATE_LIMIT_PER_MINUTE ?? 600,
      login: e.RATE_LIMIT_LOGIN_PER_MINUTE ?? 30,
      uploads: e.RATE_LIMIT_UPLOADS_PER_MINUTE ?? 60,
      exports: e.RATE_LIMIT_EXPORTS_PER_MINUTE ?? 20,
      reports: e.RATE_LIMIT_REPORTS_PER_MINUTE ?? 60,
    },
  };
}

/** CORS_ORIGINS: comma-separated exact origins (scheme, host, optional port), no paths, no wildcards. */
export function corsSettings(e: HttpEnvironment): CorsSettings {
  const origins = (e.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const bad = origins.filter((origin) => !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin));
  if (bad.length > 0) {
    throw new ConfigError([
      `CORS_ORIGINS: must be exact origins such as https://app.example.com, comma-separated, without paths or wildcards (got ${JSON.stringify(bad.join(','))})`,
    ]);
  }
  return { origins: origins.map((origin) => origin.toLowerCase()) };
}

export function httpTimeouts(e: HttpEnvironment): HttpTimeouts {
  const keepAliveMs = e.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? DEFAULT_KEEP_ALIVE_MS;
  const headersMs = e.HTTP_HEADERS_TIMEOUT_MS ?? keepAliveMs + 1_000;
  if (headersMs <= keepAliveMs) {
    throw new ConfigError([
      `HTTP_HEADERS_TIMEOUT_MS: must exceed HTTP_KEEP_ALIVE_TIMEOUT_MS (${keepAliveMs}), or a request arriving just before the keep-alive timeout could be cut (got ${headersMs})`,
    ]);
  }
  // Node's default: five minutes for a whole request (a slow upload included).
  const requestMs = e.HTTP_REQUEST_TIMEOUT_MS ?? 300_000;
  if (requestMs !== 0 && requestMs < headersMs) {
    throw new ConfigError([
      `HTTP_REQUEST_TIMEOUT_MS: must be 0 (none) or at least HTTP_HEADERS_TIMEOUT_MS (${headersMs}) (got ${requestMs})`,
    ]);
  }
  return { keepAliveMs, headersMs, requestMs };
}
