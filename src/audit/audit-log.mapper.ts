import type { StoredAuditEntry } from './audit-log.repository';
import type { AuditLogEntryDto } from './dto/audit-log.dto';

export function toAuditLogResponse(entry: StoredAuditEntry): AuditLogEntryDto {
  return {
    id: entry.id,
    actor_id: entry.actorId,
    actor_type: entry.actorType ?? (entry.actorId === null ? null : 'user'),
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    metadata: entry.metadata,
    request_id: entry.requestId,
    ip: entry.ip,
    created_at: entry.createdAt.toISOString(),
    hash: entry.hash,
    prev_hash: entry.prevHash,
  };
}

/** The export's columns: the list item's fields, in its order. */
export const CSV_COLUMNS = [
  'id',
  'actor_id',
  'actor_type',
  'action',
  'entity_type',
  'entity_id',
  'metadata',
  'request_id',
  'ip',
  'created_at',
  'hash',
  'prev_hash',
] as const;

/** One CSV row: the list item with `metadata` as JSON text; nulls become empty cells. */
export function toCsvRecord(entry: StoredAuditEntry): Record<(typeof CSV_COLUMNS)[number], string | null> {
  return { ...toAuditLogResponse(entry), metadata: JSON.stringify(entry.metadata) };
}
