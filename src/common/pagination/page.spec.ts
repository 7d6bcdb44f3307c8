import { DomainError } from '../errors/domain-error';
import { decodeCursor, encodeCursor } from './page';

describe('keyset cursors', () => {
  it('round-trip the sort key of the last row', () => {
    const key = ['2026-03-01T12:00:00.000Z', '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f'];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'uuid'])).toEqual(key);
    expect(decodeCursor(encodeCursor(['2026-03-01', 'Travel']), ['date', 'string'])).toEqual(['2026-03-01', 'Travel']);
  });

  it.each([
    ['not base64 json', 'a-b-c'],
    ['the wrong shape', encodeCursor(['only-one'])],
    ['the wrong types', encodeCursor([1, 2])],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
    ['a forged id', encodeCursor(['2026-03-01T12:00:00.000Z', 'not-a-uuid'])],
    ['a forged timestamp', encodeCursor(['yesterday', '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f'])],
    ['an impossible date', encodeCursor(['2026-02-30T00:00:00.000Z', '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f'])],
  ])('refuse %s with INVALID_CURSOR', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['timestamp', 'uuid'])).toThrow(DomainError);
    try {
      decodeCursor(cursor, ['timestamp', 'uuid']);
    } catch (e) {
      expect((e as DomainError).code).toBe('INVALID_CURSOR');
      expect((e as DomainError).status).toBe(422);
    }
  });
});
