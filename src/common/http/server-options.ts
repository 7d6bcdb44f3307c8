import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Server } from 'node:http';
import type { HttpTimeouts } from '../../config/http-settings';

/**
 * The HTTP server's timeouts (HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS,
 * HTTP_REQUEST_TIMEOUT_MS): an idle kept-alive connection is closed after `keepAliveMs`, a
 * request's headers must have arrived within `headersMs`, the whole request within `requestMs`.
 */
export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
}

/**
 * CORS for exact origins only; no cookies are involved (the API takes bearer tokens), so no
 * credentials. Clients may send the headers the API reads and read the ones it sets for them.
 */
export function corsOptions(origins: string[]): CorsOptions {
  return {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposedHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'Location'],
    credentials: false,
    maxAge: 600,
  };
}
