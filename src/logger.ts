import type { Params } from 'nestjs-pino';
import { AppConfig } from './config/app-config';

/**
 * JSON logs with the request id on every line. Credentials never reach a log: the
 * Authorization header, cookies and any password or token field are redacted.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (request) => request.id,
      customProps: (request) => ({ requestId: request.id }),
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
