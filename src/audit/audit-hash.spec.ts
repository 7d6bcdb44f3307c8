import { auditHash, canonicalJson, HashedContent } from './audit-hash';

describe('canonicalJson', () => {
  it('orders keys at every depth so that equal content serialises equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('writes dates as ISO strings and drops undefined fields', () => {
    expect(canonicalJson({ at: new Date('2026-03-01T12:00:00.000Z'), gone: undefined })).toBe('{"at":"2026-03-01T12:00:00.000Z"}');
  });
});

describe('auditHash', () => {
  const entry: HashedContent = {
    id: '6f0d5c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
    organizationId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
    actorId: null,
    action: 'user.created',
    entityType: 'user',
    entityId: 'u1',
    metadata: { role: 'employee' },
    requestId: 'r1',
    ip: '127.0.0.1',
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    prevHash: null,
  };

  it('is a stable SHA-256 hex digest of the content', () => {
    expect(auditHash(entry)).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash({ ...entry, metadata: { role: 'employee' } })).toBe(auditHash(entry));
  });

  it('covers exactly the hashed fields, so a stored row hashes as the entry it was written from', () => {
    expect(auditHash({ ...entry, seq: 42, hash: 'f'.repeat(64) } as HashedContent)).toBe(auditHash(entry));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = auditHash(entry);
    const variants: Array<Partial<HashedContent>> = [
      { action: 'user.updated' }, { actorId: 'someone' }, { metadata: { role: 'admin' } }, { prevHash: 'a'.repeat(64) },
      { createdAt: new Date('2026-03-01T12:00:00.001Z') }, { entityId: 'u2' }, { ip: '10.0.0.1' },
    ];
    for (const variant of variants) expect(auditHash({ ...entry, ...variant })).not.toBe(base);
  });
});
