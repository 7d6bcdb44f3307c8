import { createHash } from 'node:crypto';

/** What an entry's hash covers: all of its content plus the previous entry's hash. */
export interface HashedContent {
  id: string;
  organizationId: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  metadata: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  createdAt: Date;
  prevHash: string | null;
}

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The entry's hash. The one function both the writer (AuditService) and the verifier use; it
 * reads exactly the fields of `HashedContent`, so a caller holding a stored row (with its
 * `seq` and `hash`) cannot hash anything else by mistake.
 */
export function auditHash(entry: HashedContent): string {
  const content: HashedContent = {
    id: entry.id,
    organizationId: entry.organizationId,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    metadata: entry.metadata,
    requestId: entry.requestId,
    ip: entry.ip,
    createdAt: entry.createdAt,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
