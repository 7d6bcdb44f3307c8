import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/json/canonical-json';
import { auditHash, auditKeyOf, HashedContent } from './audit-hash';

const KEY = auditKeyOf('an-audit-key-for-the-unit-tests-0123456789');

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
    keyId: KEY.id,
  };

  it('is a stable HMAC of the content with the key the entry names', () => {
    expect(auditHash(entry, KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash({ ...entry, metadata: { role: 'employee' } }, KEY)).toBe(auditHash(entry, KEY));
    expect(KEY.id).toMatch(/^[0-9a-f]{16}$/);
    expect(KEY.id).not.toContain('an-audit-key');
  });

  it('cannot be recomputed without the key: another key, or plain SHA-256, gives another hash', () => {
    const other = auditKeyOf('somebody-elses-key-that-is-long-enough-0123');
    expect(auditHash({ ...entry, keyId: other.id }, other)).not.toBe(auditHash(entry, KEY));
    expect(createHash('sha256').update(canonicalJson(entry)).digest('hex')).not.toBe(auditHash(entry, KEY));
    expect(() => auditHash(entry, other)).toThrow(/names key/);
  });

  it('keeps the plain SHA-256 of entries written before the chain was keyed', () => {
    const { keyId: _keyId, ...legacy } = entry;
    expect(auditHash({ ...entry, keyId: null }, null)).toBe(
      createHash('sha256').update(canonicalJson(legacy)).digest('hex'),
    );
  });

  it('covers exactly the hashed fields, so a stored row hashes as the entry it was written from', () => {
    expect(auditHash({ ...entry, seq: 42, hash: 'f'.repeat(64) } as HashedContent, KEY)).toBe(auditHash(entry, KEY));
  });

  it('changes when any field, the previous hash or the key id changes', () => {
    const base = auditHash(entry, KEY);
    const variants: Array<Partial<HashedContent>> = [
      { action: 'user.updated' },
      { actorId: 'someone' },
      { metadata: { role: 'admin' } },
      { prevHash: 'a'.repeat(64) },
      { createdAt: new Date('2026-03-01T12:00:00.001Z') },
      { entityId: 'u2' },
      { ip: '10.0.0.1' },
      { actorType: 'api_key' },
    ];
    for (const variant of variants) expect(auditHash({ ...entry, ...variant }, KEY)).not.toBe(base);
  });

  it('hashes entries no API key made as before actor_type existed (null or absent alike)', () => {
    const base = auditHash(entry, KEY);
    expect(auditHash({ ...entry, actorType: null }, KEY)).toBe(base);
    expect(auditHash({ ...entry, actorType: undefined }, KEY)).toBe(base);
    const byKey = { ...entry, actorId: '2c9e7a1b-4d3f-4e6a-9b8c-0d1e2f3a4b5c' };
    // An entry a key made cannot be passed off as its creator's, or a user's as a key's.
    expect(auditHash({ ...byKey, actorType: 'api_key' }, KEY)).not.toBe(auditHash(byKey, KEY));
  });
});
