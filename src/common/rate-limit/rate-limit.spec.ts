import { counterKey, judge, trackerOf } from './rate-limit';

describe('trackerOf', () => {
  it('counts an API key by its id, before the user it acts as', () => {
    expect(trackerOf({ userId: 'u1', apiKeyId: 'k1' }, '10.0.0.1')).toBe('key:k1');
  });
  it('counts a token by its user, whatever the address', () => {
    expect(trackerOf({ userId: 'u1' }, '10.0.0.1')).toBe('user:u1');
  });
  it('counts an anonymous request by its address', () => {
    expect(trackerOf(undefined, '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(trackerOf(undefined, undefined)).toBe('ip:unknown');
  });
  it('keeps buckets apart in the store', () => {
    expect(counterKey('login', 'ip:10.0.0.1')).toBe('login:ip:10.0.0.1');
  });
});

describe('judge', () => {
  it('lets a request under every limit through and describes the tightest bucket', () => {
    const verdict = judge([
      { bucket: 'general', limit: 600, hits: 10, resetMs: 30_000 },
      { bucket: 'uploads', limit: 5, hits: 2, resetMs: 50_500 },
    ]);
    expect(verdict).toEqual({
      headers: { 'RateLimit-Limit': '5', 'RateLimit-Remaining': '3', 'RateLimit-Reset': '51' },
      retryAfter: null,
      refusedBy: null,
    });
  });
  it('lets the last request of the limit through, with nothing remaining', () => {
    const verdict = judge([{ bucket: 'general', limit: 3, hits: 3, resetMs: 1_000 }]);
    expect(verdict.retryAfter).toBeNull();
    expect(verdict.headers['RateLimit-Remaining']).toBe('0');
  });
  it('refuses past the limit until the latest exceeded window ends', () => {
    const verdict = judge([
      { bucket: 'general', limit: 3, hits: 4, resetMs: 10_000 },
      { bucket: 'login', limit: 1, hits: 2, resetMs: 40_001 },
    ]);
    expect(verdict.retryAfter).toBe(41);
    expect(verdict.refusedBy).toBe('login');
    expect(verdict.headers['RateLimit-Remaining']).toBe('0');
  });
  it('never tells a client to wait less than a second', () => {
    expect(judge([{ bucket: 'general', limit: 1, hits: 2, resetMs: 0 }]).retryAfter).toBe(1);
  });
});
