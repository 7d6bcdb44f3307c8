import { createHash, timingSafeEqual } from 'node:crypto';

/** GET /metrics: off (404, like a path that names nothing), or on, behind a bearer token when one is set. */
export interface MetricsSettings {
  enabled: boolean;
  /** METRICS_TOKEN: the scraper sends `Authorization: Bearer <token>`; unset: no token asked. */
  token?: string;
}

export type MetricsAccess = 'allowed' | 'not-found' | 'unauthorized';

/**
 * Whether a scrape with this Authorization header may read the metrics. Tokens are compared in
 * constant time (their SHA-256 digests, so that the length of the token leaks nothing either).
 */
export function metricsAccess(settings: MetricsSettings, authorization: string | undefined): MetricsAccess {
  if (!settings.enabled) return 'not-found';
  if (settings.token === undefined) return 'allowed';
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return 'unauthorized';
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(match[1]), digest(settings.token)) ? 'allowed' : 'unauthorized';
}
