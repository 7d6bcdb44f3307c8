import { ConfigError } from './config-error';
import type { HttpEnvironment } from './environment-http';
import { corsSettings, httpTimeouts, rateLimitSettings } from './http-settings';

const env = (values: Partial<HttpEnvironment>) => values as HttpEnvironment;

describe('rateLimitSettings', () => {
  it('is on by default with generous limits, in PostgreSQL without Redis and in Redis with it', () => {
    expect(rateLimitSettings(env({}))).toEqual({
      enabled: true,
      store: 'postgres',
      windowSeconds: 60,
      perMinute: { general: 600, login: 30, uploads: 60, exports: 20, reports: 60 },
    });
    expect(rateLimitSettings(env({ REDIS_URL: 'redis://r:6379' })).store).toBe('redis');
    expect(rateLimitSettings(env({ REDIS_URL: 'redis://r:6379', RATE_LIMIT_STORE: 'postgres' })).store).toBe(
      'postgres',
    );
  });
  it('takes each bucket from its variable', () => {
    const settings = rateLimitSettings(
      env({
        RATE_LIMIT_ENABLED: false,
        RATE_LIMIT_PER_MINUTE: 100,
        RATE_LIMIT_LOGIN_PER_MINUTE: 1,
        RATE_LIMIT_UPLOADS_PER_MINUTE: 2,
        RATE_LIMIT_EXPORTS_PER_MINUTE: 3,
        RATE_LIMIT_REPORTS_PER_MINUTE: 4,
      }),
    );
    expect(settings.enabled).toBe(false);
    expect(settings.perMinute).toEqual({ general: 100, login: 1, uploads: 2, exports: 3, reports: 4 });
  });
  it('refuses a Redis store without REDIS_URL', () => {
    expect(() => rateLimitSettings(env({ RATE_LIMIT_STORE: 'redis' }))).toThrow(
      /RATE_LIMIT_STORE: redis needs REDIS_URL/,
    );
  });
});

describe('corsSettings', () => {
  it('is off by default and takes exact origins', () => {
    expect(corsSettings(env({}))).toEqual({ origins: [] });
    expect(corsSettings(env({ CORS_ORIGINS: 'https://App.example.com, http://localhost:5173' }))).toEqual({
      origins: ['https://app.example.com', 'http://localhost:5173'],
    });
  });
  it.each(['*', 'https://*.example.com', 'https://example.com/', 'example.com', 'https://example.com/app'])(
    'refuses %s',
    (origin) => {
      expect(() => corsSettings(env({ CORS_ORIGINS: origin }))).toThrow(ConfigError);
    },
  );
});

describe('httpTimeouts', () => {
  it('keeps idle connections longer than a load balancer by default', () => {
    expect(httpTimeouts(env({}))).toEqual({ keepAliveMs: 65_000, headersMs: 66_000, requestMs: 300_000 });
    expect(httpTimeouts(env({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 120_000 })).headersMs).toBe(121_000);
  });
  it('refuses a header timeout not above the keep-alive timeout', () => {
    expect(() => httpTimeouts(env({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 10_000, HTTP_HEADERS_TIMEOUT_MS: 10_000 }))).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: must exceed HTTP_KEEP_ALIVE_TIMEOUT_MS \(10000\)/,
    );
  });
  it('refuses a request timeout shorter than the header timeout, but takes 0 (none)', () => {
    expect(() => httpTimeouts(env({ HTTP_REQUEST_TIMEOUT_MS: 1_000 }))).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
    expect(httpTimeouts(env({ HTTP_REQUEST_TIMEOUT_MS: 0 })).requestMs).toBe(0);
  });
});
