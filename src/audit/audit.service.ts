import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import type { Actor } from '../common/auth/roles';
import { placeholders, runSql } from '../database/sql';
import { auditHash, HashedContent } from './audit-hash';
import { AuditKeys } from './audit-keys';

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
  /** The installation's operator acting on the organization (they are no user of it). */
  operatorId?: string;
  requestId?: string;
  ip?: string;
}

type PendingEntry = Omit<HashedContent, 'prevHash' | 'createdAt' | 'keyId'>;

/**
 * Appends entries to each organization's hash-chained audit log, in the transaction of the
 * change they describe: `record` collects them, and they are written just before that
 * transaction commits. Appends for one organization are serialized by a transaction-scoped
 * advisory lock (so the chain never forks); taking it only at commit keeps it held for
 * milliseconds instead of the whole use case, which would serialize every write of a tenant.
 */
@Injectable()
export class AuditService implements EntitySubscriberInterface, OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, PendingEntry[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: AuditKeys,
  ) {}

  /**
   * Last among the subscribers (OutboxService puts itself first): the outbox rows are written
   * before this append takes the chain lock, so the lock is never held while they are
   * (docs/architecture.md, "Cross-module calls and events").
   */
  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  async record(tx: EntityManager, actor: Actor | SystemActor, event: AuditEvent): Promise<void> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside the transaction of the change it records');
    }
    const entries = this.pending.get(runner) ?? [];
    entries.push({
      id: randomUUID(),
      // uuid columns read back lower-case; the hash must cover what a reader will see.
      organizationId: actor.organizationId.toLowerCase(),
      // An API key acts with its creator's user, but the log names the key.
      ...actorOf(actor),
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId ?? null,
      metadata: asStored(snakeCaseKeys(event.metadata ?? {})),
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
    });
    this.pending.set(runner, entries);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // Savepoints (nested transactions) commit with their outer transaction.
    if ((runner as QueryRunner & { transactionDepth: number }).transactionDepth > 1) return;
    const entries = this.pending.get(runner);
    if (!entries?.length) return;
    this.pending.delete(runner);
    const byOrganization = new Map<string, PendingEntry[]>();
    for (const entry of entries)
      byOrganization.set(entry.organizationId, [...(byOrganization.get(entry.organizationId) ?? []), entry]);
    // A fixed lock order keeps two transactions that touch the same organizations from deadlocking.
    for (const organizationId of [...byOrganization.keys()].sort()) {
      await this.append(runner.manager, organizationId, byOrganization.get(organizationId)!);
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }

  /**
   * Everything from taking the lock to the commit is the part of a tenant's writes that runs
   * one at a time, so it is kept to two statements: audit_chain_head() takes the lock and then
   * reads the head (with a snapshot taken after the lock is held; see its migration), and the
   * INSERT of the entries.
   */
  private async append(tx: EntityManager, organizationId: string, entries: PendingEntry[]): Promise<void> {
    // The database's clock, read under the lock: created_at then follows the chain's order,
    // whichever API process writes, and says when the change committed rather than began.
    const [head] = await runSql<{ hash: string | null; now: Date }>(tx, LOCK_AND_READ_HEAD, [organizationId]);
    let prevHash = head.hash;
    const key = this.keys.current;
    const values = entries.flatMap((entry) => {
      const content: HashedContent = { ...entry, createdAt: head.now, prevHash, keyId: key.id };
      const hash = auditHash(content, key);
      const row = [
        content.id,
        content.organizationId,
        content.actorId,
        content.action,
        content.entityType,
        content.entityId,
        JSON.stringify(content.metadata),
        content.requestId,
        content.ip,
        content.createdAt,
        prevHash,
        hash,
        key.id,
        content.actorType ?? null,
      ];
      prevHash = hash;
      return row;
    });
    // One row after the other in VALUES order, so seq follows the chain.
    await runSql(tx, appendStatement(entries.length), values);
  }
}

function actorOf(actor: Actor | SystemActor): Pick<HashedContent, 'actorId' | 'actorType'> {
  const apiKeyId = 'apiKeyId' in actor ? actor.apiKeyId : undefined;
  if (apiKeyId) return { actorId: apiKeyId.toLowerCase(), actorType: 'api_key' };
  const operatorId = 'operatorId' in actor ? actor.operatorId : undefined;
  if (operatorId) return { actorId: operatorId.toLowerCase(), actorType: 'operator' };
  return { actorId: actor.userId?.toLowerCase() ?? null, actorType: null };
}

// Exported for the benchmark (bench/raw-sql.mjs), which appends to the chain as the API does.
export const LOCK_AND_READ_HEAD = { name: 'audit.chain_head', text: 'SELECT hash, now FROM audit_chain_head($1)' };
const COLUMNS = 14;

export function appendStatement(entries: number) {
  const rows = Array.from({ length: entries }, (_, i) => `(${placeholders(COLUMNS, i * COLUMNS + 1)})`);
  return {
    name: `audit.append_${entries}`,
    text: `INSERT INTO audit_logs (id, organization_id, actor_id, action, entity_type, entity_id, metadata, request_id, ip, created_at, prev_hash, hash, key_id, actor_type)
           VALUES ${rows.join(', ')}`,
  };
}

/**
 * Metadata keys, and the field names under `changes` (which `diff` takes from entities:
 * `isActive`, `baseCurrency`), are snake_case like the rest of the API. Values are left as they
 * are: they are data (settings, rules, e-mail addresses). Entries written before this keep their
 * keys: the chain's hashes cover them, so they are never rewritten.
 */
function snakeCaseKeys(metadata: Record<string, unknown>): Record<string, unknown> {
  const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [
      snake(key),
      key === 'changes' && typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([field, change]) => [snake(field), change]))
        : value,
    ]),
  );
}

/**
 * Metadata exactly as jsonb will give it back, so that the hash covers what a verifier reads:
 * a JSON round trip (dates become ISO strings, `toJSON` is applied, undefined drops out), with
 * the text jsonb refuses (NUL, unpaired UTF-16 surrogates) replaced by U+FFFD instead of
 * failing the change's transaction.
 */
function asStored(metadata: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(metadata, (_, value: unknown) =>
      typeof value === 'string' ? value.replace(UNSTORABLE, '\uFFFD') : value,
    ),
  );
}

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
