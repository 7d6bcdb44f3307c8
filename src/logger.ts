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
          id: request.id, method: request.method, url: request.url, remoteAddress: request.remoteAddress,
        }),
      },
      autoLogging: { ignore: (request) => request.url === '/health' },
    },
  };
}
