import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import { ListSpendsQuery } from './dto/spend-query.dto';
import { SpendScope } from './spend-access';
import { Spend } from './spend.entity';
import { SpendRow, toSpend } from './spend-row';

/** Spends, always scoped by organization id and, for reads, by the caller's visibility. */
@Injectable()
export class SpendsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findVisible(organizationId: string, scope: SpendScope, id: string): Promise<Spend | null> {
    const values: unknown[] = [organizationId, id];
    const visible = visibleTo(scope, (value) => `$${values.push(value)}`);
    const [row] = await runSql<SpendRow>(
      this.dataSource,
      variant(
        'spends.find_visible',
        `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.id = $2${visible ? ` AND ${visible}` : ''}`,
      ),
      values,
    );
    return row ? toSpend(row) : null;
  }

  /** Row-locked read for a change that depends on the spend's current state. */
  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<Spend | null> {
    const [row] = await runSql<SpendRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toSpend(row) : null;
  }

  /**
   * Newest spend_date first; `total` counts every match of the filter. The count and the page
   * are one statement (one round trip, one snapshot).
   */
  async listVisible(organizationId: string, scope: SpendScope, filter: ListSpendsQuery): Promise<Page<Spend>> {
    const { statement, values } = listStatement(organizationId, scope, filter);
    const rows = await runSql<SpendRow & { total: string }>(this.dataSource, statement, values);
    const total = Number(rows[0]?.total ?? 0);
    const items = rows.filter((row) => row.id !== null).map(toSpend);
    return toPage(items, total, filter, (last) => [last.spendDate, last.id]);
  }

  /**
   * Another live spend of the same owner with the same amount, currency, date and merchant
   * (case-insensitive) or vendor: a likely double submission.
   */
  async hasDuplicate(tx: EntityManager, spend: Spend): Promise<boolean> {
    const rows = await runSql(tx, HAS_DUPLICATE, [
      spend.organizationId,
      spend.userId,
      spend.spendDate,
      spend.amountMinor,
      spend.currency,
      spend.id,
      spend.merchant,
      spend.vendorId,
    ]);
    return rows.length > 0;
  }

  /** A new spend, written once in its final state (submitted or draft); sets its timestamps. */
  async insert(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ created_at: Date; updated_at: Date }>(tx, INSERT, [
      spend.id,
      spend.organizationId,
      spend.userId,
      spend.teamId,
      spend.categoryId,
      spend.vendorId,
      spend.merchant,
      spend.description,
      spend.amountMinor,
      spend.currency,
      spend.baseAmountMinor,
      spend.baseCurrency,
      spend.exchangeRate,
      spend.spendDate,
      spend.source,
      spend.status,
      spend.policyEvaluation === null ? null : JSON.stringify(spend.policyEvaluation),
      spend.systemFlags,
      spend.flags,
      spend.receiptCount,
      spend.receiptVerified,
      spend.approvalRound,
      spend.submittedAt,
      spend.decidedAt,
      spend.computation === null ? null : JSON.stringify(spend.computation),
    ]);
    spend.createdAt = row.created_at;
    spend.updatedAt = row.updated_at;
  }

  /** A recoding: the category and vendor only, in whatever status the spend is. */
  async saveCoding(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_CODING, [
      spend.organizationId,
      spend.id,
      spend.categoryId,
      spend.vendorId,
    ]);
    spend.updatedAt = row.updated_at;
  }

  /** An edit's fields (draft or rejected spend), with the amount converted again. */
  async saveFields(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_FIELDS, [
      spend.organizationId,
      spend.id,
      spend.teamId,
      spend.categoryId,
      spend.vendorId,
      spend.merchant,
      spend.description,
      spend.source,
      spend.spendDate,
      spend.amountMinor,
      spend.currency,
      spend.baseAmountMinor,
      spend.baseCurrency,
      spend.exchangeRate,
      spend.computation === null ? null : JSON.stringify(spend.computation),
    ]);
    spend.updatedAt = row.updated_at;
  }

  /** A submission of an existing spend: the amount converted again and what the policies decided. */
  async saveSubmission(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_SUBMISSION, [
      spend.organizationId,
      spend.id,
      spend.baseAmountMinor,
      spend.baseCurrency,
      spend.exchangeRate,
      spend.systemFlags,
      spend.policyEvaluation === null ? null : JSON.stringify(spend.policyEvaluation),
      spend.flags,
      spend.status,
      spend.submittedAt,
      spend.decidedAt,
      spend.approvalRound,
    ]);
    spend.updatedAt = row.updated_at;
  }

  /** The policies run again over a pending spend: evaluation, flags, status, round. */
  async saveReevaluation(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_REEVALUATION, [
      spend.organizationId,
      spend.id,
      spend.policyEvaluation === null ? null : JSON.stringify(spend.policyEvaluation),
      spend.flags,
      spend.status,
      spend.decidedAt,
      spend.approvalRound,
    ]);
    spend.updatedAt = row.updated_at;
  }

  /** What receipts did to the spend: their count, verification, a filled merchant, flags. */
  async saveReceiptState(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_RECEIPT_STATE, [
      spend.organizationId,
      spend.id,
      spend.merchant,
      spend.systemFlags,
      spend.flags,
      spend.receiptCount,
      spend.receiptVerified,
    ]);
    spend.updatedAt = row.updated_at;
  }

  /** Writes the status an approval chain's end (approved, rejected) or a withdrawal gave the spend, and when. */
  async saveOutcome(tx: EntityManager, spend: Spend): Promise<void> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SAVE_OUTCOME, [
      spend.organizationId,
      spend.id,
      spend.status,
      spend.decidedAt,
    ]);
    spend.updatedAt = row.updated_at;
  }
}

/**
 * A page of the list and its total, as one statement (one round trip, one snapshot) and its
 * values. Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements.
 */
export function listStatement(
  organizationId: string,
  scope: SpendScope,
  filter: Pick<
    ListSpendsQuery,
    'status' | 'user_id' | 'team_id' | 'category_id' | 'from' | 'to' | 'cursor' | 'limit' | 'offset'
  >,
): { statement: Statement; values: unknown[] } {
  const values: unknown[] = [organizationId];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where = ['s.organization_id = $1'];
  const visible = visibleTo(scope, param);
  if (visible) where.push(visible);
  if (filter.status) where.push(`s.status = ${param(filter.status)}`);
  if (filter.user_id) where.push(`s.user_id = ${param(filter.user_id)}`);
  if (filter.team_id) where.push(`s.team_id = ${param(filter.team_id)}`);
  if (filter.category_id) where.push(`s.category_id = ${param(filter.category_id)}`);
  if (filter.from) where.push(`s.spend_date >= ${param(filter.from)}`);
  if (filter.to) where.push(`s.spend_date <= ${param(filter.to)}`);
  const matches = where.join(' AND ');
  let page: string;
  if (filter.cursor) {
    const [date, id] = decodeCursor(filter.cursor, ['date', 'uuid']);
    page = `${matches} AND (s.spend_date, s.id) < (${param(date)}::date, ${param(id)}::uuid) ORDER BY s.spend_date DESC, s.id DESC LIMIT ${param(filter.limit)}`;
  } else {
    page = `${matches} ORDER BY s.spend_date DESC, s.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
  }
  const statement = variant(
    'spends.list',
    `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM spends s WHERE ${matches}) c
       LEFT JOIN LATERAL (SELECT ${SPEND_COLUMNS} FROM spends s WHERE ${page}) p ON true
       ORDER BY p.spend_date DESC, p.id DESC`,
  );
  return { statement, values };
}

/**
 * The caller's visibility as a condition on alias `s`, its values added through `param`
 * (which answers the placeholder); null when the caller sees the whole organization. The
 * spends list and the reports both filter through it.
 */
export function visibleTo(scope: SpendScope, param: (value: unknown) => string): string | null {
  if (scope.organizationWide) return null;
  // One user (an employee) by equality, so that (organization_id, user_id, spend_date, id)
  // serves a page in order instead of sorting all of the user's spends.
  const any = [
    scope.userIds.length === 1 ? `s.user_id = ${param(scope.userIds[0])}` : `s.user_id = ANY(${param(scope.userIds)})`,
  ];
  if (scope.teamIds.length > 0) any.push(`s.team_id = ANY(${param(scope.teamIds)})`);
  if (scope.spendIds.length > 0) any.push(`s.id = ANY(${param(scope.spendIds)})`);
  return `(${any.join(' OR ')})`;
}

/** Every column, `spend_date` as the `YYYY-MM-DD` text the entity holds (pg would make it a local-time Date). */
export const SPEND_COLUMNS = `s.id, s.organization_id, s.user_id, s.team_id, s.category_id, s.vendor_id, s.merchant, s.description, s.amount_minor,
  s.currency, s.base_amount_minor, s.base_currency, s.exchange_rate, to_char(s.spend_date, 'YYYY-MM-DD') AS spend_date, s.source, s.status,
  s.policy_evaluation, s.system_flags, s.flags, s.receipt_count, s.receipt_verified, s.approval_round, s.submitted_at, s.decided_at,
  s.paid_at, s.paid_by, s.payment_reference, s.created_at, s.updated_at, s.computation, s.expense_report_id`;

// The statements of the create, list and decide paths are exported for the benchmark
// (bench/raw-sql.mjs), which sends them through pg from the built code instead of restating them.
export const LOCK_BY_ID = {
  name: 'spends.lock_by_id',
  text: `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.id = $2 FOR UPDATE`,
};

export const HAS_DUPLICATE = {
  name: 'spends.has_duplicate',
  text: `SELECT 1 FROM spends
         WHERE organization_id = $1 AND user_id = $2 AND spend_date = $3 AND amount_minor = $4 AND currency = $5
           AND id <> $6 AND status <> 'cancelled'
           AND (lower(merchant) IS NOT DISTINCT FROM lower($7) OR (vendor_id IS NOT NULL AND vendor_id = $8))
         LIMIT 1`,
};

export const INSERT = {
  name: 'spends.insert',
  text: `INSERT INTO spends (id, organization_id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency,
           base_amount_minor, base_currency, exchange_rate, spend_date, source, status, policy_evaluation, system_flags, flags,
           receipt_count, receipt_verified, approval_round, submitted_at, decided_at, computation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
         RETURNING created_at, updated_at`,
};

export const SAVE_OUTCOME = {
  name: 'spends.save_outcome',
  text: 'UPDATE spends SET status = $3, decided_at = $4, updated_at = CURRENT_TIMESTAMP WHERE organization_id = $1 AND id = $2 RETURNING updated_at',
};

/*
 * The writes below set only the columns their use case changes. Those that may change nothing
 * (an edit sending the same values, a receipt that tells nothing new) leave updated_at as it
 * was, as a write of an unchanged row always has.
 */
const SAVE_CODING = {
  name: 'spends.save_coding',
  text: `UPDATE spends SET category_id = $3, vendor_id = $4, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_FIELDS = {
  name: 'spends.save_fields',
  text: `UPDATE spends SET team_id = $3, category_id = $4, vendor_id = $5, merchant = $6, description = $7, source = $8,
           spend_date = $9, amount_minor = $10, currency = $11, base_amount_minor = $12, base_currency = $13, exchange_rate = $14,
           computation = $15::jsonb,
           updated_at = CASE WHEN (team_id, category_id, vendor_id, merchant, description, source, spend_date, amount_minor, currency,
               base_amount_minor, base_currency, exchange_rate, computation)
             IS DISTINCT FROM ($3::uuid, $4::uuid, $5::uuid, $6::text, $7::text, $8::text, $9::date, $10::bigint, $11::char(3),
               $12::bigint, $13::char(3), $14::numeric, $15::jsonb)
             THEN CURRENT_TIMESTAMP ELSE updated_at END
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_SUBMISSION = {
  name: 'spends.save_submission',
  text: `UPDATE spends SET base_amount_minor = $3, base_currency = $4, exchange_rate = $5, system_flags = $6, policy_evaluation = $7,
           flags = $8, status = $9, submitted_at = $10, decided_at = $11, approval_round = $12, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_REEVALUATION = {
  name: 'spends.save_reevaluation',
  text: `UPDATE spends SET policy_evaluation = $3, flags = $4, status = $5, decided_at = $6, approval_round = $7, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};

const SAVE_RECEIPT_STATE = {
  name: 'spends.save_receipt_state',
  text: `UPDATE spends SET merchant = $3, system_flags = $4, flags = $5, receipt_count = $6, receipt_verified = $7,
           updated_at = CASE WHEN (merchant, system_flags, flags, receipt_count, receipt_verified)
             IS DISTINCT FROM ($3::text, $4::text[], $5::text[], $6::integer, $7::boolean)
             THEN CURRENT_TIMESTAMP ELSE updated_at END
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
