import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, variant } from '../database/sql';
import type { HashedContent } from './audit-hash';
import type { InstantRange } from './audit-time-range';

/** What a reader may narrow the log by; every query is also scoped by organization. */
export interface AuditLogFilter extends InstantRange {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
}

/** One stored entry, with `seq`: its place in the organization's chain. */
export interface StoredAuditEntry extends HashedContent {
  seq: number;
  hash: string;
}

interface AuditLogRow {
  seq: string;
  id: string;
  organization_id: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  metadata: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
  created_at: Date;
  prev_hash: string | null;
  hash: string;
  key_id: string | null;
  actor_type: 'api_key' | 'operator' | null;
}

const COLUMNS =
  'seq, id, organization_id, actor_id, action, entity_type, entity_id, metadata, request_id, ip, created_at, prev_hash, hash, key_id, actor_type';

/**
 * Reads of the audit log, in plain SQL: the rows go straight to the reader (a list page, a CSV
 * being streamed, the chain verifier) without entity hydration. Every query starts with
 * `organization_id` and walks an index that starts with it (see the AuditLogApi migration).
 * Nothing here writes: the log is appended to only by AuditService.
 */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async count(organizationId: string, filter: AuditLogFilter): Promise<number> {
    const { where, params } = whereOf(organizationId, filter);
    const [row] = await runSql<{ count: string }>(
      this.dataSource,
      variant('audit_log.count', `SELECT count(*) AS count FROM audit_logs WHERE ${where}`),
      params,
    );
    return Number(row.count);
  }

  /**
   * Newest first (highest `seq`): one page by offset, or, given `beforeSeq` (a keyset cursor),
   * the entries appended before it. Entries are never changed or removed, so consecutive
   * keyset pages neither repeat nor skip one, however many are appended meanwhile.
   */
  async newestFirst(
    organizationId: string,
    filter: AuditLogFilter,
    page: { limit: number; offset?: number; beforeSeq?: number },
  ): Promise<StoredAuditEntry[]> {
    const { where, params } = whereOf(organizationId, filter);
    let sql = `SELECT ${COLUMNS} FROM audit_logs WHERE ${where}`;
    if (page.beforeSeq !== undefined) sql += ` AND seq < $${params.push(page.beforeSeq)}`;
    sql += ` ORDER BY seq DESC LIMIT $${params.push(page.limit)}`;
    if (page.beforeSeq === undefined && page.offset) sql += ` OFFSET $${params.push(page.offset)}`;
    const rows = await runSql<AuditLogRow>(this.dataSource, variant('audit_log.newest_first', sql), params);
    return rows.map(toStoredEntry);
  }

  /** The installation-wide lock of chain keying, for the rest of `tx`; false when another process holds it. */
  async tryKeyingLock(tx: EntityManager): Promise<boolean> {
    const [{ locked }] = await runSql<{ locked: boolean }>(tx, TRY_KEYING_LOCK);
    return locked;
  }

  /** Organizations whose newest audit entry is not keyed (written before the chain was keyed). */
  async organizationsWithUnkeyedHead(tx: EntityManager): Promise<string[]> {
    const rows = await runSql<{ id: string }>(tx, UNKEYED_HEADS);
    return rows.map((row) => row.id);
  }

  /** The chain in order, `limit` entries after `afterSeq` (0: from the first). */
  async chainAfter(organizationId: string, afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await runSql<AuditLogRow>(this.dataSource, CHAIN_AFTER, [organizationId, afterSeq, limit]);
    return rows.map(toStoredEntry);
  }
}

const TRY_KEYING_LOCK = {
  name: 'audit_log.try_keying_lock',
  text: `SELECT pg_try_advisory_xact_lock(hashtextextended('spendin:audit-chain-keying', 0)) AS locked`,
};

const UNKEYED_HEADS = {
  name: 'audit_log.unkeyed_heads',
  text: `SELECT o.id FROM organizations o
           CROSS JOIN LATERAL (SELECT a.key_id FROM audit_logs a WHERE a.organization_id = o.id ORDER BY a.seq DESC LIMIT 1) head
         WHERE head.key_id IS NULL`,
};

const CHAIN_AFTER = {
  name: 'audit_log.chain_after',
  text: `SELECT ${COLUMNS} FROM audit_logs WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
};

function whereOf(organizationId: string, filter: AuditLogFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [organizationId];
  const conditions = ['organization_id = $1'];
  const add = (sql: (placeholder: string) => string, value: unknown) => conditions.push(sql(`$${params.push(value)}`));
  if (filter.action !== undefined) add((p) => `action = ${p}`, filter.action);
  if (filter.entityType !== undefined) add((p) => `entity_type = ${p}`, filter.entityType);
  if (filter.entityId !== undefined) add((p) => `entity_id = ${p}`, filter.entityId);
  if (filter.actorId !== undefined) add((p) => `actor_id = ${p}`, filter.actorId);
  if (filter.from !== undefined) add((p) => `created_at >= ${p}`, filter.from);
  if (filter.before !== undefined) add((p) => `created_at < ${p}`, filter.before);
  return { where: conditions.join(' AND '), params };
}

function toStoredEntry(row: AuditLogRow): StoredAuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    organizationId: row.organization_id,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    metadata: row.metadata,
    requestId: row.request_id,
    ip: row.ip,
    createdAt: row.created_at,
    prevHash: row.prev_hash,
    hash: row.hash,
    keyId: row.key_id,
    actorType: row.actor_type,
  };
}
