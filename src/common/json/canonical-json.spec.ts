import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('orders keys at every depth so that equal content serialises equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('writes dates as ISO strings and drops undefined fields', () => {
    expect(canonicalJson({ at: new Date('2026-03-01T12:00:00.000Z'), gone: undefined })).toBe(
      '{"at":"2026-03-01T12:00:00.000Z"}',
    );
  });
});
