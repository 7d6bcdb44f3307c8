import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql } from '../database/sql';

/** An open step as a reassignment weighs it. */
export interface ReassignableStep {
  id: string;
  subjectType: string;
  subjectId: string;
  spendId: string | null;
  subjectOwnerId: string;
  round: number;
  step: number;
  status: string;
  approverUserId: string | null;
  approverRole: 'finance' | 'admin' | null;
  /** Whether the new approver decided another step of the same subject and round. */
  decidedByTarget: boolean;
  /** Whether the new approver is named on another open (pending or waiting) step of that round. */
  targetNamedOnOpenStep: boolean;
}

/** Approval steps moved to another approver by an admin; scoped by organization id, row-locked. */
@Injectable()
export class ReassignmentsRepository {
  /** The given steps (any status), locked, in chain order. */
  async lockByIds(
    tx: EntityManager,
    organizationId: string,
    ids: string[],
    targetId: string,
  ): Promise<ReassignableStep[]> {
    return (await runSql<Row>(tx, STATEMENTS.byIds, [organizationId, ids, targetId])).map(toStep);
  }

  /** Every open (pending or waiting) step named to the user, locked, oldest first (at most `limit`). */
  async lockOpenOf(
    tx: EntityManager,
    organizationId: string,
    userId: string,
    targetId: string,
    limit: number,
  ): Promise<ReassignableStep[]> {
    return (await runSql<Row>(tx, STATEMENTS.openOf, [organizationId, userId, targetId, limit])).map(toStep);
  }

  /** Moves the steps to a person (an escalation: docs/approvals-sla.md); the reminder stays as it was. */
  async assign(tx: EntityManager, organizationId: string, ids: string[], userId: string, note: string): Promise<void> {
    await runSql(tx, STATEMENTS.assign, [organizationId, ids, userId, note]);
  }

  /** An admin's reassignment: as `assign`, and the new approver's reminder counts from now (assigned_at, reminded_at cleared). */
  async reassign(
    tx: EntityManager,
    organizationId: string,
    ids: string[],
    userId: string,
    note: string,
  ): Promise<void> {
    await runSql(tx, STATEMENTS.reassign, [organizationId, ids, userId, note]);
  }

  /** Moves the steps to a role (an escalation to finance or admin: docs/approvals-sla.md). */
  async assignRole(
    tx: EntityManager,
    organizationId: string,
    ids: string[],
    role: 'finance' | 'admin',
    note: string,
  ): Promise<void> {
    await runSql(tx, STATEMENTS.assignRole, [organizationId, ids, role, note]);
  }
}

interface Row {
  id: string;
  subject_type: string;
  subject_id: string;
  spend_id: string | null;
  subject_owner_id: string;
  round: number;
  step: number;
  status: string;
  approver_user_id: string | null;
  approver_role: 'finance' | 'admin' | null;
  decided_by_target: boolean;
  target_named_on_open_step: boolean;
}

const COLUMNS = `a.id, a.subject_type, a.subject_id, a.spend_id, a.subject_owner_id, a.round, a.step, a.status,
  a.approver_user_id, a.approver_role, EXISTS (
    SELECT 1 FROM approvals d WHERE d.organization_id = a.organization_id AND d.subject_type = a.subject_type
      AND d.subject_id = a.subject_id AND d.round = a.round AND d.decided_by = $TARGET AND d.id <> a.id
  ) AS decided_by_target, EXISTS (
    SELECT 1 FROM approvals o WHERE o.organization_id = a.organization_id AND o.subject_type = a.subject_type
      AND o.subject_id = a.subject_id AND o.round = a.round AND o.approver_user_id = $TARGET AND o.id <> a.id
      AND o.status IN ('pending', 'waiting')
  ) AS target_named_on_open_step`;

const STATEMENTS = {
  byIds: {
    name: 'reassignments.by_ids',
    text: `SELECT ${COLUMNS.replaceAll('$TARGET', '$3')} FROM approvals a
           WHERE a.organization_id = $1 AND a.id = ANY($2::uuid[]) ORDER BY a.created_at, a.step FOR UPDATE OF a`,
  },
  openOf: {
    name: 'reassignments.open_of',
    text: `SELECT ${COLUMNS.replaceAll('$TARGET', '$3')} FROM approvals a
           WHERE a.organization_id = $1 AND a.approver_user_id = $2 AND a.status IN ('pending', 'waiting')
           ORDER BY a.created_at, a.step LIMIT $4 FOR UPDATE OF a`,
  },
  assign: {
    name: 'reassignments.assign',
    text: `UPDATE approvals SET approver_user_id = $3, approver_role = NULL, note = $4, updated_at = CURRENT_TIMESTAMP
           WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
  },
  reassign: {
    name: 'reassignments.reassign',
    text: `UPDATE approvals SET approver_user_id = $3, approver_role = NULL, note = $4, assigned_at = CURRENT_TIMESTAMP,
             reminded_at = NULL, updated_at = CURRENT_TIMESTAMP
           WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
  },
  assignRole: {
    name: 'reassignments.assign_role',
    text: `UPDATE approvals SET approver_user_id = NULL, approver_role = $3, note = $4, updated_at = CURRENT_TIMESTAMP
           WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
  },
};

function toStep(row: Row): ReassignableStep {
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    spendId: row.spend_id,
    subjectOwnerId: row.subject_owner_id,
    round: row.round,
    step: row.step,
    status: row.status,
    approverUserId: row.approver_user_id,
    approverRole: row.approver_role,
    decidedByTarget: row.decided_by_target,
    targetNamedOnOpenStep: row.target_named_on_open_step,
  };
}
