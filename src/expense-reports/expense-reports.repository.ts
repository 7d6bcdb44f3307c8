import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, variant } from '../database/sql';
import { ListExpenseReportsQuery } from './dto/expense-report-input.dto';
import { ExpenseReport, ExpenseReportStatus, LineRejections, ReportEvaluation } from './expense-report.entity';

/**
 * Who may see which reports, as the spends' visibility answers it: the whole organization, or
 * the reports of these owners plus these reports (on which the caller is an approver).
 */
export type ReportScope =
  { organizationWide: true } | { organizationWide: false; userIds: string[]; reportIds: string[] };

interface ReportRow {
  id: string;
  organization_id: string;
  user_id: string;
  title: string;
  purpose: string | null;
  starts_on: string;
  ends_on: string;
  trip: string | null;
  status: ExpenseReportStatus;
  approval_round: number;
  policy_evaluation: ReportEvaluation | null;
  line_rejections: LineRejections;
  submitted_at: Date | null;
  decided_at: Date | null;
  paid_at: Date | null;
  paid_by: string | null;
  payment_reference: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Expense reports, always scoped by organization id and, for reads, by the caller's visibility. */
@Injectable()
export class ExpenseReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, report: ExpenseReport): Promise<void> {
    const [row] = await runSql<ReportRow>(tx, INSERT, [
      report.organizationId,
      report.userId,
      report.title,
      report.purpose,
      report.startsOn,
      report.endsOn,
      report.trip,
      report.status,
    ]);
    Object.assign(report, toReport(row));
  }

  async findVisible(organizationId: string, scope: ReportScope, id: string): Promise<ExpenseReport | null> {
    const values: unknown[] = [organizationId, id];
    const visible = visibleTo(scope, (v) => `$${values.push(v)}`);
    const [row] = await runSql<ReportRow>(
      this.dataSource,
      variant(
        'expense_reports.find_visible',
        `SELECT ${COLUMNS} FROM expense_reports r WHERE r.organization_id = $1 AND r.id = $2${visible ? ` AND ${visible}` : ''}`,
      ),
      values,
    );
    return row ? toReport(row) : null;
  }

  /** The report's status, read without a lock (the caller holds a line's lock: report-then-lines is the locking order). */
  async statusOf(tx: EntityManager, organizationId: string, id: string): Promise<ExpenseReportStatus | null> {
    const [row] = await runSql<{ status: ExpenseReportStatus }>(tx, STATUS_OF, [organizationId, id]);
    return row?.status ?? null;
  }

  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<ExpenseReport | null> {
    const [row] = await runSql<ReportRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toReport(row) : null;
  }

  /** Newest trip first; `total` counts every match. One statement: one round trip, one snapshot. */
  async listVisible(
    organizationId: string,
    scope: ReportScope,
    filter: Omit<ListExpenseReportsQuery, 'limit' | 'offset'> & { limit: number | null; offset: number },
  ): Promise<{ total: number; items: ExpenseReport[] }> {
    const values: unknown[] = [organizationId];
    const param = (v: unknown) => `$${values.push(v)}`;
    const where = ['r.organization_id = $1'];
    const visible = visibleTo(scope, param);
    if (visible) where.push(visible);
    if (filter.status) where.push(`r.status = ${param(filter.status)}`);
    if (filter.user_id) where.push(`r.user_id = ${param(filter.user_id)}`);
    if (filter.from) where.push(`r.ends_on >= ${param(filter.from)}::date`);
    if (filter.to) where.push(`r.starts_on <= ${param(filter.to)}::date`);
    const matches = where.join(' AND ');
    const limit = filter.limit === null ? '' : ` LIMIT ${param(filter.limit)}`;
    const rows = await runSql<ReportRow & { total: string }>(
      this.dataSource,
      variant(
        'expense_reports.list',
        `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM expense_reports r WHERE ${matches}) c
           LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM expense_reports r WHERE ${matches}
             ORDER BY r.starts_on DESC, r.id DESC${limit} OFFSET ${param(filter.offset)}) p ON true
           ORDER BY p.starts_on DESC, p.id DESC`,
      ),
      values,
    );
    return { total: Number(rows[0]?.total ?? 0), items: rows.filter((r) => r.id !== null).map(toReport) };
  }

  async saveFields(tx: EntityManager, report: ExpenseReport): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_FIELDS, [
      report.organizationId,
      report.id,
      report.title,
      report.purpose,
      report.startsOn,
      report.endsOn,
      report.trip,
    ]);
    report.updatedAt = row.updated_at;
  }

  /** Status, round, evaluation and the lifecycle's timestamps. */
  async saveState(tx: EntityManager, report: ExpenseReport): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_STATE, [
      report.organizationId,
      report.id,
      report.status,
      report.approvalRound,
      report.policyEvaluation === null ? null : JSON.stringify(report.policyEvaluation),
      JSON.stringify(report.lineRejections),
      report.submittedAt,
      report.decidedAt,
      report.paidAt,
      report.paidBy,
      report.paymentReference,
    ]);
    report.updatedAt = row.updated_at;
  }

  async delete(tx: EntityManager, organizationId: string, id: string): Promise<void> {
    await runSql(tx, DELETE, [organizationId, id]);
  }
}

function visibleTo(scope: ReportScope, param: (value: unknown) => string): string | null {
  if (scope.organizationWide) return null;
  const any = [`r.user_id = ANY(${param(scope.userIds)}::uuid[])`];
  if (scope.reportIds.length > 0) any.push(`r.id = ANY(${param(scope.reportIds)}::uuid[])`);
  return `(${any.join(' OR ')})`;
}

function toReport(row: ReportRow): ExpenseReport {
  return Object.assign(new ExpenseReport(), {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    title: row.title,
    purpose: row.purpose,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    trip: row.trip,
    status: row.status,
    approvalRound: row.approval_round,
    policyEvaluation: row.policy_evaluation,
    lineRejections: row.line_rejections,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    paidAt: row.paid_at,
    paidBy: row.paid_by,
    paymentReference: row.payment_reference,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** Every column, the dates as the `YYYY-MM-DD` text the entity holds. */
const COLUMNS = `r.id, r.organization_id, r.user_id, r.title, r.purpose, to_char(r.starts_on, 'YYYY-MM-DD') AS starts_on,
  to_char(r.ends_on, 'YYYY-MM-DD') AS ends_on, r.trip, r.status, r.approval_round, r.policy_evaluation, r.line_rejections, r.submitted_at,
  r.decided_at, r.paid_at, r.paid_by, r.payment_reference, r.created_at, r.updated_at`;

const INSERT = {
  name: 'expense_reports.insert',
  text: `INSERT INTO expense_reports AS r (organization_id, user_id, title, purpose, starts_on, ends_on, trip, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
};

const STATUS_OF = {
  name: 'expense_reports.status_of',
  text: 'SELECT status FROM expense_reports WHERE organization_id = $1 AND id = $2',
};
const LOCK_BY_ID = {
  name: 'expense_reports.lock_by_id',
  text: `SELECT ${COLUMNS} FROM expense_reports r WHERE r.organization_id = $1 AND r.id = $2 FOR UPDATE`,
};

const SAVE_FIELDS = {
  name: 'expense_reports.save_fields',
  text: `UPDATE expense_reports SET title = $3, purpose = $4, starts_on = $5, ends_on = $6, trip = $7, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_STATE = {
  name: 'expense_reports.save_state',
  text: `UPDATE expense_reports SET status = $3, approval_round = $4, policy_evaluation = $5::jsonb, line_rejections = $6::jsonb,
           submitted_at = $7, decided_at = $8, paid_at = $9, paid_by = $10, payment_reference = $11, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const DELETE = {
  name: 'expense_reports.delete',
  text: 'DELETE FROM expense_reports WHERE organization_id = $1 AND id = $2',
};
