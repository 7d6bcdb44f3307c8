import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';
import { placeholders, runSql, variant } from '../database/sql';
import { Approval } from './approval.entity';
import { APPROVAL_COLUMNS, APPROVAL_COLUMNS_OF_A, ApprovalRow, toApproval } from './approval.row';
import { delegatorsOfToday } from './delegations.repository';
import { OVERDUE_STEP } from './sla.repository';
import type { ApprovalSubject, SubjectType } from './approval-subject';

/** Approval steps, always scoped by organization id. */
@Injectable()
export class ApprovalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Row-locked, so that concurrent decisions on one step are taken one after the other. */
  async lockForDecision(tx: EntityManager, organizationId: string, id: string): Promise<Approval | null> {
    const [row] = await runSql<ApprovalRow>(tx, LOCK_FOR_DECISION, [organizationId, id]);
    return row ? toApproval(row) : null;
  }

  async findNextWaiting(tx: EntityManager, approval: Approval): Promise<Approval | null> {
    const [row] = await runSql<ApprovalRow>(tx, NEXT_WAITING, [
      approval.organizationId,
      approval.subjectType,
      approval.subjectId,
      approval.round,
    ]);
    return row ? toApproval(row) : null;
  }

  /** The step of the same subject and round that the user already decided, if any. */
  async stepDecidedBy(tx: EntityManager, approval: Approval, userId: string): Promise<number | null> {
    const [row] = await runSql<{ step: number }>(tx, STEP_DECIDED_BY, [
      approval.organizationId,
      approval.subjectType,
      approval.subjectId,
      approval.round,
      userId,
      approval.id,
    ]);
    return row?.step ?? null;
  }

  /** Ends every open step of the subject (a rejection, a withdrawal or recall, a resubmission). */
  async cancelOpen(tx: EntityManager, organizationId: string, subject: ApprovalSubject): Promise<void> {
    await runSql(tx, CANCEL_OPEN, [organizationId, subject.type, subject.id]);
  }

  /** A round's steps, in one statement; sets their ids and timestamps. */
  async insertChain(tx: EntityManager, steps: Approval[]): Promise<void> {
    if (steps.length === 0) return;
    const values = steps.flatMap((a) => [
      a.organizationId,
      a.subjectType,
      a.subjectId,
      a.spendId,
      a.subjectOwnerId,
      a.round,
      a.step,
      a.requirement,
      a.approverUserId,
      a.approverRole,
      a.status,
      a.note,
      a.policyId,
      a.ruleId,
    ]);
    const rows = await runSql<{
      id: string;
      step: number;
      created_at: Date;
      updated_at: Date;
      pending_since: Date | null;
    }>(tx, insertChainStatement(steps.length), values);
    const byStep = new Map(rows.map((row) => [row.step, row]));
    for (const approval of steps) {
      const row = byStep.get(approval.step)!;
      Object.assign(approval, {
        id: row.id,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        pendingSince: row.pending_since,
      });
    }
  }

  /** Writes a step's status and decision (who, for whom when a delegate, when, the comment). */
  async saveDecision(tx: EntityManager, approval: Approval): Promise<void> {
    const [row] = await runSql<{ updated_at: Date; pending_since: Date | null }>(tx, SAVE_DECISION, [
      approval.organizationId,
      approval.id,
      approval.status,
      approval.decidedBy,
      approval.decidedAt,
      approval.comment,
      approval.decidedOnBehalfOf,
    ]);
    Object.assign(approval, { updatedAt: row.updated_at, pendingSince: row.pending_since });
  }

  /** Every step of one round of a subject, in chain order. */
  async ofRound(
    tx: EntityManager,
    organizationId: string,
    subject: ApprovalSubject,
    round: number,
  ): Promise<Approval[]> {
    return (await runSql<ApprovalRow>(tx, OF_ROUND, [organizationId, subject.type, subject.id, round])).map(toApproval);
  }

  /** Every step of the given subjects of one type, in round and chain order. */
  async forSubjects(
    organizationId: string,
    type: SubjectType,
    ids: string[],
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Approval[]> {
    if (ids.length === 0) return [];
    return (await runSql<ApprovalRow>(tx, FOR_SUBJECTS, [organizationId, type, ids])).map(toApproval);
  }

  async forSpends(
    organizationId: string,
    spendIds: string[],
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Approval[]> {
    if (spendIds.length === 0) return [];
    return (await runSql<ApprovalRow>(tx, FOR_SPENDS, [organizationId, spendIds])).map(toApproval);
  }

  /**
   * Steps assigned to the caller: to them by name, or to a role they hold (finance: finance
   * and admins; admin: admins). Decided ones also include those the caller decided. Pending ones
   * also include the steps named to someone who delegates to the caller today (not the caller's own
   * submissions): a delegation is never passed on, so only a delegation to the caller counts.
   */
  async listFor(
    actor: Actor,
    status: 'pending' | 'approved' | 'rejected',
    page: { limit: number; offset: number; subjectType?: SubjectType; overdue?: boolean },
  ): Promise<{ total: number; items: Approval[] }> {
    const roles = (['finance', 'admin'] as const).filter((role) => hasAtLeast(actor.role, role));
    const values: unknown[] = [actor.organizationId, status, actor.userId];
    const any = ['a.approver_user_id = $3'];
    // A role's step is not offered to whoever decided another step of the same subject and round.
    if (roles.length > 0) {
      any.push(`(a.approver_role = ANY($${values.push(roles)}::text[]) AND a.subject_owner_id <> $3 AND NOT EXISTS (
          SELECT 1 FROM approvals d WHERE d.organization_id = a.organization_id AND d.subject_type = a.subject_type AND d.subject_id = a.subject_id AND d.round = a.round AND d.decided_by = $3 AND d.id <> a.id))`);
    }
    if (status === 'pending')
      any.push(`(a.approver_user_id IN (${delegatorsOfToday('$3')}) AND a.subject_owner_id <> $3 AND NOT EXISTS (
          SELECT 1 FROM approvals d WHERE d.organization_id = a.organization_id AND d.subject_type = a.subject_type AND d.subject_id = a.subject_id AND d.round = a.round AND d.decided_by = $3 AND d.id <> a.id))`);
    if (status !== 'pending') any.push('a.decided_by = $3');
    let matches = `a.organization_id = $1 AND a.status = $2 AND (${any.join(' OR ')})`;
    if (page.subjectType) matches += ` AND a.subject_type = $${values.push(page.subjectType)}`;
    if (page.overdue) matches += ` AND ${OVERDUE_STEP}`;
    const [{ total }] = await runSql<{ total: string }>(
      this.dataSource,
      variant('approvals.count_for', `SELECT COUNT(*) AS total FROM approvals a WHERE ${matches}`),
      values,
    );
    const order = status === 'pending' ? 'ASC' : 'DESC';
    const rows = await runSql<ApprovalRow>(
      this.dataSource,
      variant(
        'approvals.list_for',
        `SELECT ${APPROVAL_COLUMNS_OF_A} FROM approvals a WHERE ${matches}
         ORDER BY a.created_at ${order}, a.id ASC LIMIT $${values.push(page.limit)} OFFSET $${values.push(page.offset)}`,
      ),
      values,
    );
    return { total: Number(total), items: rows.map(toApproval) };
  }

  /** Subjects of one type on which the user is (or was) a named approver, decided a step, or decides as a delegate today: they may see those. */
  async subjectIdsAssignedTo(organizationId: string, type: SubjectType, userId: string): Promise<string[]> {
    const rows = await runSql<{ subject_id: string }>(this.dataSource, SUBJECTS_ASSIGNED_TO, [
      organizationId,
      type,
      userId,
    ]);
    return rows.map((r) => r.subject_id);
  }

  /** Spends on which the user is (or was) a named approver, decided a step, or decides as a delegate today: they may see those spends. */
  async spendIdsAssignedTo(organizationId: string, userId: string): Promise<string[]> {
    const rows = await runSql<{ spend_id: string }>(this.dataSource, SPENDS_ASSIGNED_TO, [organizationId, userId]);
    return rows.map((r) => r.spend_id);
  }
}

// The statements of the create, list and decide paths are exported for the benchmark
// (bench/raw-sql.mjs), which sends them through pg from the built code instead of restating them.
export const STEP_DECIDED_BY = {
  name: 'approvals.step_decided_by',
  text: 'SELECT step FROM approvals WHERE organization_id = $1 AND subject_type = $2 AND subject_id = $3 AND round = $4 AND decided_by = $5 AND id <> $6 ORDER BY step LIMIT 1',
};
export const LOCK_FOR_DECISION = {
  name: 'approvals.lock_for_decision',
  text: `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};
export const NEXT_WAITING = {
  name: 'approvals.next_waiting',
  text: `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND subject_type = $2 AND subject_id = $3 AND round = $4 AND status = 'waiting' ORDER BY step LIMIT 1`,
};
const CANCEL_OPEN = {
  name: 'approvals.cancel_open',
  text: `UPDATE approvals SET status = 'cancelled', updated_at = CURRENT_TIMESTAMP WHERE organization_id = $1 AND subject_type = $2 AND subject_id = $3 AND status IN ('waiting', 'pending')`,
};
export const SAVE_DECISION = {
  name: 'approvals.save_decision',
  text: `UPDATE approvals SET status = $3, decided_by = $4, decided_at = $5, comment = $6, decided_on_behalf_of = $7, updated_at = CURRENT_TIMESTAMP,
           pending_since = CASE WHEN $3 = 'pending' THEN coalesce(pending_since, CURRENT_TIMESTAMP) ELSE pending_since END
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at, pending_since`,
};
export const FOR_SPENDS = {
  name: 'approvals.for_spends',
  text: `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY round, step`,
};
const FOR_SUBJECTS = {
  name: 'approvals.for_subjects',
  text: `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND subject_type = $2 AND subject_id = ANY($3::uuid[]) ORDER BY round, step`,
};
const OF_ROUND = {
  name: 'approvals.of_round',
  text: `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND subject_type = $2 AND subject_id = $3 AND round = $4 ORDER BY step`,
};
/**
 * Who may read a subject through its chain: its named approvers, whoever decided a step, and the
 * delegate of a named approver while the step still waits for a decision (a delegate must see
 * what they are asked to decide; once the delegation ends they keep only what they decided).
 * Three selects in a UNION rather than one OR, so that each arm uses its index (the approver's,
 * the decider's, the approver's again for the delegators): the OR made PostgreSQL scan every
 * approval of the organization on each read by a user who does not see the whole organization.
 */
const assignedTo = (column: string, matches: string, user: string) => `
  SELECT ${column} FROM approvals WHERE ${matches} AND approver_user_id = ${user}
  UNION SELECT ${column} FROM approvals WHERE ${matches} AND decided_by = ${user}
  UNION SELECT ${column} FROM approvals WHERE ${matches} AND status IN ('waiting', 'pending')
    AND subject_owner_id <> ${user} AND approver_user_id = ANY(ARRAY(${delegatorsOfToday(user)}))`;
const SUBJECTS_ASSIGNED_TO = {
  name: 'approvals.subjects_assigned_to',
  text: assignedTo('subject_id', 'organization_id = $1 AND subject_type = $2', '$3'),
};
export const SPENDS_ASSIGNED_TO = {
  name: 'approvals.spends_assigned_to',
  text: assignedTo('spend_id', 'organization_id = $1 AND spend_id IS NOT NULL', '$2'),
};

const INSERT_COLUMNS = 14;
export function insertChainStatement(steps: number) {
  // The typed references of a step (expense_report_id, advance_id) are derived from the row's
  // subject, as spend_id could be: no value of their own to pass.
  const rows = Array.from({ length: steps }, (_, i) => {
    const first = i * INSERT_COLUMNS + 1;
    const subjectIs = (type: string) => `CASE WHEN $${first + 1}::text = '${type}' THEN $${first + 2}::uuid END`;
    const pendingSince = `CASE WHEN $${first + 10}::text = 'pending' THEN CURRENT_TIMESTAMP END`;
    return `(${placeholders(INSERT_COLUMNS, first)}, ${subjectIs('expense_report')}, ${subjectIs('advance')}, ${pendingSince})`;
  });
  return {
    name: `approvals.insert_chain_${steps}`,
    text: `INSERT INTO approvals (organization_id, subject_type, subject_id, spend_id, subject_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id, expense_report_id, advance_id, pending_since)
           VALUES ${rows.join(', ')} RETURNING id, step, created_at, updated_at, pending_since`,
  };
}
