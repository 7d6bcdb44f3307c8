import { randomUUID } from 'node:crypto';
import { CHAIN_FAILURES, ChainCheck } from './audit-chain';
import { auditHash, AuditKey, auditKeyOf, HashedContent } from './audit-hash';

type Entry = HashedContent & { hash: string };

const KEY = auditKeyOf('the-installation-audit-key-0123456789abcdef');
const OLD_KEY = auditKeyOf('the-key-before-the-last-rotation-0123456789');
const KEYS = new Map([KEY, OLD_KEY].map((key) => [key.id, key]));

/** A well-formed chain of `length` entries, as the writer makes it, after `prevHash`; `key` null for a pre-keying chain. */
function chain(length: number, key: AuditKey | null = KEY, prevHash: string | null = null): Entry[] {
  const entries: Entry[] = [];
  for (let i = 0; i < length; i++) {
    const content: HashedContent = {
      id: randomUUID(),
      organizationId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
      actorId: null,
      action: 'category.created',
      entityType: 'category',
      entityId: randomUUID(),
      metadata: { name: `Category ${i}`, nested: { b: 1, a: [i] } },
      requestId: null,
      ip: null,
      createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, 0, i)),
      prevHash,
      keyId: key?.id ?? null,
    };
    prevHash = auditHash(content, key);
    entries.push({ ...content, hash: prevHash });
  }
  return entries;
}

function check(entries: Entry[], keys: ReadonlyMap<string, AuditKey> = KEYS) {
  const verifier = new ChainCheck(keys);
  for (const entry of entries) if (!verifier.next(entry)) break;
  return verifier.verdict();
}

describe('ChainCheck', () => {
  it('accepts an intact chain and counts it, and an empty one', () => {
    expect(check(chain(5))).toEqual({ valid: true, checked: 5 });
    expect(check([])).toEqual({ valid: true, checked: 0 });
  });

  it('accepts metadata whose keys come back in another order (as jsonb returns them)', () => {
    const entries = chain(2);
    entries[1] = { ...entries[1], metadata: { nested: { a: [1], b: 1 }, name: 'Category 1' } };
    expect(check(entries)).toEqual({ valid: true, checked: 2 });
  });

  it('names an entry whose content was changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2], metadata: { name: 'Renamed' } };
    expect(check(entries)).toEqual({
      valid: false,
      checked: 3,
      first_invalid_id: entries[2].id,
      reason: CHAIN_FAILURES.contentAltered,
    });
  });

  it('names the entry after one that was removed', () => {
    const entries = chain(5);
    const withoutThird = entries.filter((e) => e !== entries[2]);
    expect(check(withoutThird)).toEqual({
      valid: false,
      checked: 3,
      first_invalid_id: entries[3].id,
      reason: CHAIN_FAILURES.linkBroken,
    });
  });

  it('names the entry after one rewritten with a recomputed hash (by someone holding the key)', () => {
    const entries = chain(4);
    const forged = { ...entries[1], metadata: { name: 'Forged' } };
    entries[1] = { ...forged, hash: auditHash(forged, KEY) };
    expect(check(entries)).toMatchObject({
      valid: false,
      first_invalid_id: entries[2].id,
      reason: CHAIN_FAILURES.linkBroken,
    });
  });

  it('names an entry rewritten with every later hash recomputed, by someone without the key', () => {
    const entries = chain(5);
    // The database owner's attack: edit an entry, then re-hash it and everything after it. Without
    // the key the best they can do is a key of their own, or the plain SHA-256 of unkeyed entries.
    const forger = auditKeyOf('a-key-the-database-owner-made-up-0123456789');
    const rewritten = [...entries.slice(0, 2), ...chain(3, forger, entries[1].hash)];
    expect(check(rewritten)).toMatchObject({
      valid: false,
      first_invalid_id: rewritten[2].id,
      reason: CHAIN_FAILURES.unknownKey,
    });
    const unkeyed = [...entries.slice(0, 2), ...chain(3, null, entries[1].hash)];
    expect(check(unkeyed)).toMatchObject({
      valid: false,
      first_invalid_id: unkeyed[2].id,
      reason: CHAIN_FAILURES.unkeyedAfterKeyed,
    });
    const claimed = { ...unkeyed[2], keyId: KEY.id };
    expect(check([...entries.slice(0, 2), claimed])).toMatchObject({
      valid: false,
      first_invalid_id: claimed.id,
      reason: CHAIN_FAILURES.contentAltered,
    });
  });

  it('accepts a chain that began unkeyed and was keyed later, and entries of a rotated-out key it still holds', () => {
    const legacy = chain(3, null);
    const older = chain(2, OLD_KEY, legacy[2].hash);
    const current = chain(2, KEY, older[1].hash);
    expect(check([...legacy, ...older, ...current])).toEqual({ valid: true, checked: 7 });
    // Without the old key, its entries cannot be checked.
    expect(check([...legacy, ...older], new Map([[KEY.id, KEY]]))).toMatchObject({
      valid: false,
      first_invalid_id: older[0].id,
      reason: CHAIN_FAILURES.unknownKey,
    });
  });

  it('notices that the first entries were cut off', () => {
    const entries = chain(4).slice(1);
    expect(check(entries)).toEqual({
      valid: false,
      checked: 1,
      first_invalid_id: entries[0].id,
      reason: CHAIN_FAILURES.firstLinked,
    });
  });

  it('notices two entries that link to the same predecessor (a fork)', () => {
    const entries = chain(3);
    const sibling = { ...entries[2], id: randomUUID() };
    const fork = [...entries, { ...sibling, hash: auditHash(sibling, KEY) }];
    expect(check(fork)).toMatchObject({
      valid: false,
      checked: 4,
      first_invalid_id: sibling.id,
      reason: CHAIN_FAILURES.linkBroken,
    });
  });
});
