import { auditHash, AuditKey, HashedContent } from './audit-hash';

export type ChainVerdict =
  { valid: true; checked: number } | { valid: false; checked: number; first_invalid_id: string; reason: string };

export const CHAIN_FAILURES = {
  contentAltered: "hash does not match the entry's content: the entry was altered after it was written",
  linkBroken:
    "prev_hash does not match the previous entry's hash: an entry before this one was removed, inserted or rewritten",
  firstLinked: 'the first entry of the chain has a prev_hash: the entries before it were removed',
  unknownKey:
    'the entry names a key this installation does not hold (AUDIT_KEY, AUDIT_PREVIOUS_KEYS): it was not written by Spendin, or a key is missing',
  unkeyedAfterKeyed:
    'the entry is not keyed, but entries before it are: it was written by someone without the audit key',
} as const;

/**
 * Walks one organization's chain in order, an entry at a time, so that a log of any length is
 * checked in constant memory: each entry must hash (with the writer's own `auditHash` and the
 * key it names) to its stored `hash`, and its `prev_hash` must be the hash of the entry before
 * it (null for the first). Entries written before the chain was keyed are plain SHA-256; once a
 * keyed entry appears, every later one must be keyed too. Stops at the first entry that fails
 * and names it.
 */
export class ChainCheck {
  private checked = 0;
  private previousHash: string | null = null;
  private keyed = false;
  private failure: { id: string; reason: string } | null = null;

  constructor(private readonly keys: ReadonlyMap<string, AuditKey>) {}

  /** Checks the next entry; false once the chain has failed (the rest needs no reading). */
  next(entry: HashedContent & { hash: string }): boolean {
    if (this.failure) return false;
    this.checked += 1;
    const key = entry.keyId === null ? null : this.keys.get(entry.keyId);
    if (key === undefined) {
      this.failure = { id: entry.id, reason: CHAIN_FAILURES.unknownKey };
    } else if (key === null && this.keyed) {
      this.failure = { id: entry.id, reason: CHAIN_FAILURES.unkeyedAfterKeyed };
    } else if (auditHash(entry, key) !== entry.hash) {
      this.failure = { id: entry.id, reason: CHAIN_FAILURES.contentAltered };
    } else if (entry.prevHash !== this.previousHash) {
      this.failure = {
        id: entry.id,
        reason: this.previousHash === null ? CHAIN_FAILURES.firstLinked : CHAIN_FAILURES.linkBroken,
      };
    }
    this.previousHash = entry.hash;
    this.keyed ||= key !== null;
    return this.failure === null;
  }

  verdict(): ChainVerdict {
    return this.failure
      ? { valid: false, checked: this.checked, first_invalid_id: this.failure.id, reason: this.failure.reason }
      : { valid: true, checked: this.checked };
  }
}
