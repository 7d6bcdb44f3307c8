import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../common/json/canonical-json';

/**
 * The secret the chain is keyed with (AUDIT_KEY), held outside the database: without it nobody,
 * not the database's owner either, can write an entry whose hash verifies. `id` names it in each
 * entry (a short digest of the secret, never the secret), so that keys can be rotated.
 */
export interface AuditKey {
  id: string;
  secret: Buffer;
}

export function auditKeyOf(secret: string): AuditKey {
  const bytes = Buffer.from(secret, 'utf8');
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 16), secret: bytes };
}

/** What an entry's hash covers: all of its content plus the previous entry's hash. */
export interface HashedContent {
  id: string;
  organizationId: string;
  actorId: string | null;
  /**
   * `'api_key'` when `actorId` names an organization API key rather than a user, `'operator'`
   * when it names the installation's operator; null or absent for a user or the system. Hashed
   * only when set, so entries written before it existed keep their hashes.
   */
  actorType?: 'api_key' | 'operator' | null;
  action: string;
  entityType: string;
  entityId: string | null;
  metadata: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  createdAt: Date;
  prevHash: string | null;
  /** The key the entry is hashed with; null for entries written before the chain was keyed (plain SHA-256). */
  keyId: string | null;
}

/**
 * The entry's hash: HMAC-SHA256 with `key` of its canonical content (which names the key), or,
 * for an entry written before the chain was keyed (`keyId` null), plain SHA-256 of it. The one
 * function both the writer (AuditService) and the verifier use; it reads exactly the fields of
 * `HashedContent`, so a caller holding a stored row (with its `seq` and `hash`) cannot hash
 * anything else by mistake.
 */
export function auditHash(entry: HashedContent, key: AuditKey | null): string {
  const content: Omit<HashedContent, 'keyId' | 'actorType'> & { keyId?: string; actorType?: 'api_key' | 'operator' } = {
    id: entry.id,
    organizationId: entry.organizationId,
    actorId: entry.actorId,
    // Absent, not null, unless a key or the operator acted: every other entry hashes as it did before keys existed.
    ...(entry.actorType ? { actorType: entry.actorType } : {}),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    metadata: entry.metadata,
    requestId: entry.requestId,
    ip: entry.ip,
    createdAt: entry.createdAt,
    prevHash: entry.prevHash,
    // Absent, not null, in unkeyed entries: their hashes stay what they were when written.
    ...(entry.keyId === null ? {} : { keyId: entry.keyId }),
  };
  const canonical = canonicalJson(content);
  if (entry.keyId === null) return createHash('sha256').update(canonical).digest('hex');
  if (!key || key.id !== entry.keyId)
    throw new Error(`auditHash: entry names key ${entry.keyId}, given ${key?.id ?? 'none'}`);
  return createHmac('sha256', key.secret).update(canonical).digest('hex');
}
