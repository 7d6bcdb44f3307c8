import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../database/sql';
import type { Delegation } from './delegation';

/** Approval delegations, always scoped by organization id. */
@Injectable()
export class DelegationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Serializes the organization's delegation writers, so that the overlap and cycle checks see every committed row. */
  async lockOrganization(tx: EntityManager, organizationId: string): Promise<void> {
    await runSql(tx, STATEMENTS.lock, [`approval_delegations:${organizationId}`]);
  }

  /** A not-revoked delegation of `delegatorId` to `delegateId` (any delegate when null) meeting the range. */
  async findOverlapping(
    tx: EntityManager,
    organizationId: string,
    delegatorId: string,
    delegateId: string | null,
    range: { startsOn: string; endsOn: string },
  ): Promise<Delegation | null> {
    const [row] = await runSql<DelegationRow>(tx, STATEMENTS.overlapping, [
      organizationId,
      delegatorId,
      delegateId,
      range.startsOn,
      range.endsOn,
    ]);
    return row ? toDelegation(row) : null;
  }

  async insert(
    tx: EntityManager,
    delegation: Pick<
      Delegation,
      'organizationId' | 'delegatorId' | 'delegateId' | 'startsOn' | 'endsOn' | 'reason' | 'createdBy'
    >,
  ): Promise<Delegation> {
    const [row] = await runSql<DelegationRow>(tx, STATEMENTS.insert, [
      delegation.organizationId,
      delegation.delegatorId,
      delegation.delegateId,
      delegation.startsOn,
      delegation.endsOn,
      delegation.reason,
      delegation.createdBy,
    ]);
    return toDelegation(row);
  }

  /** Locks the delegator's delegation for a revocation. */
  async findOfDelegatorForUpdate(
    tx: EntityManager,
    organizationId: string,
    delegatorId: string,
    id: string,
  ): Promise<Delegation | null> {
    const [row] = await runSql<DelegationRow>(tx, STATEMENTS.ofDelegatorForUpdate, [organizationId, delegatorId, id]);
    return row ? toDelegation(row) : null;
  }

  async revoke(tx: EntityManager, organizationId: string, id: string, revokedBy: string): Promise<Delegation> {
    const [row] = await runSql<DelegationRow>(tx, STATEMENTS.revoke, [organizationId, id, revokedBy]);
    return toDelegation(row);
  }

  /** Delegations given or received by the user (`received` too), newest range first. */
  async listOf(
    organizationId: string,
    userId: string,
    received: boolean,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; items: Delegation[] }> {
    const values = [organizationId, userId, received, page.limit, page.offset];
    const rows = await runSql<DelegationRow & { total: string }>(this.dataSource, STATEMENTS.list, values);
    return { total: Number(rows[0]?.total ?? 0), items: rows.map(toDelegation) };
  }

  /** Whether `delegatorId` delegates to `delegateId` today (a delegation is never passed on: no chains). */
  async delegatesToday(
    tx: EntityManager,
    organizationId: string,
    delegatorId: string,
    delegateId: string,
  ): Promise<boolean> {
    const rows = await runSql(tx, STATEMENTS.activeToday, [organizationId, delegatorId, delegateId]);
    return rows.length > 0;
  }
}

interface DelegationRow {
  id: string;
  organization_id: string;
  delegator_id: string;
  delegate_id: string;
  starts_on: string;
  ends_on: string;
  reason: string | null;
  created_by: string;
  revoked_at: Date | null;
  created_at: Date;
  active: boolean;
}

const COLUMNS = `id, organization_id, delegator_id, delegate_id, to_char(starts_on, 'YYYY-MM-DD') AS starts_on,
  to_char(ends_on, 'YYYY-MM-DD') AS ends_on, reason, created_by, revoked_at, created_at,
  (revoked_at IS NULL AND CURRENT_DATE BETWEEN starts_on AND ends_on) AS active`;

/**
 * Whose steps a delegate decides today: the delegators of the user at placeholder `delegate`
 * (the organization at `$1`). GET /approvals lists their pending steps, and the subject reads
 * let the delegate see what those steps are about.
 */
export const delegatorsOfToday = (delegate: string) => `SELECT d.delegator_id FROM approval_delegations d
  WHERE d.organization_id = $1 AND d.delegate_id = ${delegate} AND d.revoked_at IS NULL AND CURRENT_DATE BETWEEN d.starts_on AND d.ends_on`;

const STATEMENTS = {
  lock: { name: 'approval_delegations.lock', text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))` },
  overlapping: {
    name: 'approval_delegations.overlapping',
    text: `SELECT ${COLUMNS} FROM approval_delegations
           WHERE organization_id = $1 AND delegator_id = $2 AND ($3::uuid IS NULL OR delegate_id = $3::uuid)
             AND revoked_at IS NULL AND starts_on <= $5::date AND ends_on >= $4::date
           ORDER BY starts_on LIMIT 1`,
  },
  insert: {
    name: 'approval_delegations.insert',
    text: `INSERT INTO approval_delegations (organization_id, delegator_id, delegate_id, starts_on, ends_on, reason, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
  },
  ofDelegatorForUpdate: {
    name: 'approval_delegations.of_delegator_for_update',
    text: `SELECT ${COLUMNS} FROM approval_delegations WHERE organization_id = $1 AND delegator_id = $2 AND id = $3 FOR UPDATE`,
  },
  revoke: {
    name: 'approval_delegations.revoke',
    text: `UPDATE approval_delegations SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP), revoked_by = COALESCE(revoked_by, $3)
           WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  },
  list: {
    name: 'approval_delegations.list',
    text: `SELECT ${COLUMNS}, COUNT(*) OVER () AS total FROM approval_delegations
           WHERE organization_id = $1 AND (delegator_id = $2 OR ($3::boolean AND delegate_id = $2))
           ORDER BY starts_on DESC, created_at DESC, id LIMIT $4 OFFSET $5`,
  },
  activeToday: {
    name: 'approval_delegations.active_today',
    text: `SELECT 1 FROM approval_delegations
           WHERE organization_id = $1 AND delegator_id = $2 AND delegate_id = $3 AND revoked_at IS NULL
             AND CURRENT_DATE BETWEEN starts_on AND ends_on LIMIT 1`,
  },
};

function toDelegation(row: DelegationRow): Delegation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    delegatorId: row.delegator_id,
    delegateId: row.delegate_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    reason: row.reason,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    active: row.active,
  };
}
