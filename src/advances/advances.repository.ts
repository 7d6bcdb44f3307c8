import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import type { Advance, AdvanceEvaluation, AdvanceStatus } from './advance';
import type { AdvanceScope } from './advance-access';
import type { ListAdvancesQuery } from './dto/advance.dto';

interface AdvanceRow {
  id: string;
  organization_id: string;
  user_id: string;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  exchange_rate: string;
  purpose: string;
  needed_by: string | null;
  status: AdvanceStatus;
  policy_evaluation: AdvanceEvaluation;
  approval_round: number;
  decided_at: Date | null;
  paid_at: Date | null;
  paid_by: string | null;
  paid_reference: string | null;
  expense_report_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Cash advances, always scoped by organization id and, for reads, by the caller's visibility. */
@Injectable()
export class AdvancesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findVisible(organizationId: string, scope: AdvanceScope, id: string): Promise<Advance | null> {
    const values: unknown[] = [organizationId, id];
    const visible = visibleTo(scope, (value) => `$${values.push(value)}`);
    const [row] = await runSql<AdvanceRow>(
      this.dataSource,
      variant(
        'advances.find_visible',
        `SELECT ${COLUMNS} FROM advances a WHERE a.organization_id = $1 AND a.id = $2${visible ? ` AND ${visible}` : ''}`,
      ),
      values,
    );
    return row ? toAdvance(row) : null;
  }

  /** Row-locked read for a change that depends on the advance's current state. */
  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<Advance | null> {
    const [row] = await runSql<AdvanceRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toAdvance(row) : null;
  }

  /** Newest first; `total` counts every match of the filter, in the same statement as the page. */
  async listVisible(organizationId: string, scope: AdvanceScope, filter: ListAdvancesQuery): Promise<Page<Advance>> {
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['a.organization_id = $1'];
    const visible = visibleTo(scope, param);
    if (visible) where.push(visible);
    if (filter.status) where.push(`a.status = ${param(filter.status)}`);
    if (filter.user_id) where.push(`a.user_id = ${param(filter.user_id)}`);
    const matches = where.join(' AND ');
    let page: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']);
      page = `${matches} AND (a.created_at, a.id) < (${param(createdAt)}::timestamptz, ${param(id)}::uuid) ORDER BY a.created_at DESC, a.id DESC LIMIT ${param(filter.limit)}`;
    } else {
      page = `${matches} ORDER BY a.created_at DESC, a.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<AdvanceRow & { total: string }>(
      this.dataSource,
      variant(
        'advances.list',
        `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM advances a WHERE ${matches}) c
           LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM advances a WHERE ${page}) p ON true
           ORDER BY p.created_at DESC, p.id DESC`,
      ),
      values,
    );
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row) => row.id !== null).map(toAdvance);
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  /** A new advance, in the state its request decided; sets its timestamps. */
  async insert(tx: EntityManager, advance: Advance): Promise<void> {
    const [row] = await runSql<{ created_at: Date; updated_at: Date }>(tx, INSERT, [
      advance.id,
      advance.organizationId,
      advance.userId,
      advance.amountMinor,
      advance.currency,
      advance.baseAmountMinor,
      advance.baseCurrency,
      advance.exchangeRate,
      advance.purpose,
      advance.neededBy,
      advance.status,
      JSON.stringify(advance.policyEvaluation),
      advance.approvalRound,
      advance.decidedAt,
      advance.expenseReportId,
    ]);
    advance.createdAt = row.created_at;
    advance.updatedAt = row.updated_at;
  }

  /** The status a chain's end or a withdrawal gave the advance, and when. */
  async saveOutcome(tx: EntityManager, advance: Advance): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_OUTCOME, [
      advance.organizationId,
      advance.id,
      advance.status,
      advance.decidedAt,
    ]);
    advance.updatedAt = row.updated_at;
  }

  /** Advances of the organization by id, row-locked; ids of other organizations are simply absent. */
  async lockByIds(tx: EntityManager, organizationId: string, ids: string[]): Promise<Advance[]> {
    const rows = await runSql<AdvanceRow>(tx, LOCK_BY_IDS, [organizationId, ids]);
    return rows.map(toAdvance);
  }

  /** The advances linked to these reports, oldest first. */
  async linkedTo(manager: EntityManager | DataSource, organizationId: string, reportIds: string[]): Promise<Advance[]> {
    const rows = await runSql<AdvanceRow>(manager, LINKED_TO, [organizationId, reportIds]);
    return rows.map(toAdvance);
  }

  /** Links the advances to a report, or unlinks them (null). */
  async setReport(tx: EntityManager, organizationId: string, ids: string[], reportId: string | null): Promise<void> {
    await runSql(tx, SET_REPORT, [organizationId, ids, reportId]);
  }

  /** Finance paid the advance out. */
  async savePayment(tx: EntityManager, advance: Advance): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_PAYMENT, [
      advance.organizationId,
      advance.id,
      advance.paidAt,
      advance.paidBy,
      advance.paidReference,
    ]);
    advance.updatedAt = row.updated_at;
  }
}

/** The caller's visibility as a condition on alias `a`; null when they see the whole organization. */
function visibleTo(scope: AdvanceScope, param: (value: unknown) => string): string | null {
  if (scope.organizationWide) return null;
  const any = [
    scope.userIds.length === 1 ? `a.user_id = ${param(scope.userIds[0])}` : `a.user_id = ANY(${param(scope.userIds)})`,
  ];
  if (scope.advanceIds.length > 0) any.push(`a.id = ANY(${param(scope.advanceIds)})`);
  return `(${any.join(' OR ')})`;
}

/** Every column, `needed_by` as the `YYYY-MM-DD` text the record holds. */
const COLUMNS = `a.id, a.organization_id, a.user_id, a.amount_minor, a.currency, a.base_amount_minor, a.base_currency,
  a.exchange_rate, a.purpose, to_char(a.needed_by, 'YYYY-MM-DD') AS needed_by, a.status, a.policy_evaluation,
  a.approval_round, a.decided_at, a.paid_at, a.paid_by, a.paid_reference, a.expense_report_id, a.created_at, a.updated_at`;

const LOCK_BY_ID: Statement = {
  name: 'advances.lock_by_id',
  text: `SELECT ${COLUMNS} FROM advances a WHERE a.organization_id = $1 AND a.id = $2 FOR UPDATE`,
};

const LOCK_BY_IDS: Statement = {
  name: 'advances.lock_by_ids',
  text: `SELECT ${COLUMNS} FROM advances a WHERE a.organization_id = $1 AND a.id = ANY($2::uuid[]) ORDER BY a.id FOR UPDATE`,
};

const LINKED_TO: Statement = {
  name: 'advances.linked_to',
  text: `SELECT ${COLUMNS} FROM advances a WHERE a.organization_id = $1 AND a.expense_report_id = ANY($2::uuid[])
         ORDER BY a.created_at, a.id`,
};

const SET_REPORT: Statement = {
  name: 'advances.set_report',
  text: `UPDATE advances SET expense_report_id = $3, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};

const INSERT: Statement = {
  name: 'advances.insert',
  text: `INSERT INTO advances (id, organization_id, user_id, amount_minor, currency, base_amount_minor, base_currency,
           exchange_rate, purpose, needed_by, status, policy_evaluation, approval_round, decided_at, expense_report_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING created_at, updated_at`,
};

const SAVE_OUTCOME: Statement = {
  name: 'advances.save_outcome',
  text: `UPDATE advances SET status = $3, decided_at = $4, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_PAYMENT: Statement = {
  name: 'advances.save_payment',
  text: `UPDATE advances SET status = 'paid', paid_at = $3, paid_by = $4, paid_reference = $5, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

function toAdvance(r: AdvanceRow): Advance {
  return {
    id: r.id,
    organizationId: r.organization_id,
    userId: r.user_id,
    amountMinor: r.amount_minor,
    currency: r.currency.trim(),
    baseAmountMinor: r.base_amount_minor,
    baseCurrency: r.base_currency.trim(),
    exchangeRate: r.exchange_rate,
    purpose: r.purpose,
    neededBy: r.needed_by,
    status: r.status,
    policyEvaluation: r.policy_evaluation,
    approvalRound: r.approval_round,
    decidedAt: r.decided_at,
    paidAt: r.paid_at,
    paidBy: r.paid_by,
    paidReference: r.paid_reference,
    expenseReportId: r.expense_report_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
