import cluster from 'node:cluster';
import type { Params } from 'nestjs-pino';
import { AppConfig } from './config/app-config';

/** The response headers a request's log line keeps; every other one (Set-Cookie among them) is left out. */
export const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'retry-after', 'location'];

/**
 * Who made a request, as its log line says once the request is done: the authenticated
 * actor's user and organization ids (and the API key's, when one was used); nothing before
 * authentication or for a request that had none.
 */
export function actorProps(user: unknown): { userId?: string; organizationId?: string; apiKeyId?: string } {
  if (typeof user !== 'object' || user === null) return {};
  const { userId, organizationId, apiKeyId } = user as Record<string, unknown>;
  return {
    ...(typeof userId === 'string' ? { userId } : {}),
    ...(typeof organizationId === 'string' ? { organizationId } : {}),
    ...(typeof apiKeyId === 'string' ? { apiKeyId } : {}),
  };
}

/** A response as its log line shows it: the status and the allowed headers only. */
export function responseForLog(response: { statusCode?: number; headers?: Record<string, unknown> }): {
  statusCode?: number;
  headers: Record<string, unknown>;
} {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_RESPONSE_HEADERS)
    if (response.headers?.[name] !== undefined) headers[name] = response.headers[name];
  return { statusCode: response.statusCode, headers };
}

/**
 * JSON logs with the request id on every line, and on a request's own line the actor's user
 * and organization ids. Credentials never reach a log: the Authorization header, cookies and
 * any password or token field are redacted, and of the response's headers only a few are kept.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      // With WEB_CONCURRENCY > 1 each line says which of the API processes wrote it (besides pino's pid).
      mixin: () => (cluster.isWorker ? { worker: cluster.worker?.id } : {}),
      genReqId: (request) => request.id,
      customProps: (request) => ({ requestId: request.id, ...actorProps((request as { user?: unknown }).user) }),
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          // Retired with WEBHOOK_SECRET; a provider not moved to signatures yet may still send it.
          'req.headers["x-webhook-secret"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.refresh_token',
          '*.access_token',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (request: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: request.id,
          method: request.method,
          url: redactQuery(request.url),
          remoteAddress: request.remoteAddress,
        }),
        res: responseForLog,
      },
      autoLogging: { ignore: (request) => request.url === '/health' },
    },
  };
}

/** Query parameters whose values are credentials when a client puts them in a URL. */
const SECRET_PARAMETER = /token|secret|password|passwd|key|signature|sig|code|auth|session|otp/i;

/** The URL with the values of credential-like query parameters replaced, for logs. */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const redacted = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape: judge the name as it is.
      }
      return SECRET_PARAMETER.test(decoded) && pair.includes('=') ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, start)}?${redacted.join('&')}`;
}
