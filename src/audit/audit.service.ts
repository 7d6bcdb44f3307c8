import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Actor } from '../common/auth/roles';
import { AuditEntry } from './audit-entry.entity';
import { auditHash } from './audit-hash';

export interface AuditEvent {
  /** `<entity>.<verb>`, e.g. `user.created`, `auth.login_failed`. */
  action: string;
  entityType: string;
  entityId?: string | null;
  /** What changed (before/after of the changed fields) and why; never secrets. */
  metadata?: Record<string, unknown>;
}

/**
 * Who caused an event outside an authenticated request: the system (first-run bootstrap,
 * the CLI; `userId` null) or a user known only by id (login, logout).
 */
export interface SystemActor {
  organizationId: string;
  userId?: string | null;
  requestId?: string;
  ip?: string;
}

/**
 * Appends entries to an organization's hash-chained audit log, always inside the caller's
 * transaction so that the entry commits (or not) with the change it describes.
 */
@Injectable()
export class AuditService {
  async record(tx: EntityManager, actor: Actor | SystemActor, event: AuditEvent): Promise<AuditEntry> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside the transaction of the change it records');
    }
    // Appends for one organization are serialized until commit, so the chain never forks.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit_logs:' || $1, 0))`, [actor.organizationId]);
    const [last] = await tx.query(
      `SELECT hash FROM audit_logs WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1`,
      [actor.organizationId],
    );
    const content = {
      id: randomUUID(),
      organizationId: actor.organizationId,
      actorId: actor.userId ?? null,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId ?? null,
      metadata: event.metadata ?? {},
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      createdAt: new Date(),
      prevHash: (last?.hash as string | undefined) ?? null,
    };
    const entry = tx.create(AuditEntry, { ...content, hash: auditHash(content) });
    await tx.insert(AuditEntry, entry as QueryDeepPartialEntity<AuditEntry>);
    return entry;
  }
}
