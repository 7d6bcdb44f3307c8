import { randomUUID } from 'node:crypto';
import { CHAIN_FAILURES, ChainCheck } from './audit-chain';
import { auditHash, HashedContent } from './audit-hash';

type Entry = HashedContent & { hash: string };

/** A well-formed chain of `length` entries, as the writer makes it. */
function chain(length: number): Entry[] {
  const entries: Entry[] = [];
  let prevHash: string | null = null;
  for (let i = 0; i < length; i++) {
    const content: HashedContent = {
      id: randomUUID(), organizationId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', actorId: null, action: 'category.created', entityType: 'category',
      entityId: randomUUID(), metadata: { name: `Category ${i}`, nested: { b: 1, a: [i] } }, requestId: null, ip: null,
      createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, 0, i)), prevHash,
    };
    prevHash = auditHash(content);
    entries.push({ ...content, hash: prevHash });
  }
  return entries;
}

function check(entries: Entry[]) {
  const verifier = new ChainCheck();
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
    expect(check(entries)).toEqual({ valid: false, checked: 3, first_invalid_id: entries[2].id, reason: CHAIN_FAILURES.contentAltered });
  });

  it('names the entry after one that was removed', () => {
    const entries = chain(5);
    const withoutThird = entries.filter((e) => e !== entries[2]);
    expect(check(withoutThird)).toEqual({ valid: false, checked: 3, first_invalid_id: entries[3].id, reason: CHAIN_FAILURES.linkBroken });
  });

  it('names the entry after one rewritten with a recomputed hash', () => {
    const entries = chain(4);
    const forged = { ...entries[1], metadata: { name: 'Forged' } };
    entries[1] = { ...forged, hash: auditHash(forged) };
    expect(check(entries)).toMatchObject({ valid: false, first_invalid_id: entries[2].id, reason: CHAIN_FAILURES.linkBroken });
  });

  it('notices that the first entries were cut off', () => {
    const entries = chain(4).slice(1);
    expect(check(entries)).toEqual({ valid: false, checked: 1, first_invalid_id: entries[0].id, reason: CHAIN_FAILURES.firstLinked });
  });

  it('notices two entries that link to the same predecessor (a fork)', () => {
    const entries = chain(3);
    const sibling = { ...entries[2], id: randomUUID() };
    const fork = [...entries, { ...sibling, hash: auditHash(sibling) }];
    expect(check(fork)).toMatchObject({ valid: false, checked: 4, first_invalid_id: sibling.id, reason: CHAIN_FAILURES.linkBroken });
  });
});
