import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ErrorFormats } from './error-formats';
import { ProblemFilter } from './problem.filter';

/** What the filter answers, read off a minimal Express response. */
function answer(exception: unknown): {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const seen = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (seen.headers[name] = value),
    status(code: number) {
      seen.status = code;
      return this;
    },
    type() {
      return this;
    },
    send: (text: string) => (seen.body = JSON.parse(text) as Record<string, unknown>),
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ id: 'req-1', originalUrl: '/api/v1/spends' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ProblemFilter(new ErrorFormats()).catch(exception, host);
  return seen;
}

const pgError = (code: string) => Object.assign(new Error('pg says no'), { code });

describe('ProblemFilter and a transaction PostgreSQL rolled back', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it.each([
    ['a deadlock (40P01) raised by TypeORM', new QueryFailedError('UPDATE approvals …', [], pgError('40P01'))],
    ['a serialization failure (40001) straight from pg', pgError('40001')],
  ])('answers %s with 409 CONCURRENT_UPDATE and Retry-After, never a 500', (_what, exception) => {
    const { status, headers, body } = answer(exception);
    expect(status).toBe(409);
    expect(headers['Retry-After']).toBe('1');
    expect(body).toMatchObject({ code: 'CONCURRENT_UPDATE', status: 409, request_id: 'req-1' });
    expect(String(body.detail)).toContain('nothing was saved');
  });

  it('still answers another database error as a bare 500', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new QueryFailedError('SELECT …', [], pgError('42P01')));
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL_ERROR');
  });
});
