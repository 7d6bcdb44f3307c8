import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pageOf, pageWithTotal, runSql, Statement, variant } from '../database/sql';
import type { ExpenseReportStatus } from './expense-report.entity';

/** A report as a payout sees it: whose it is, its state, the batch reserving it. */
export interface ReportForPayout {
  id: string;
  userId: string;
  title: string;
  status: ExpenseReportStatus;
  endsOn: string;
  payoutBatchId: string | null;
}

/** A payable report with its balance (approved lines less paid linked advances) in the organization's base currency. */
export interface PayableReportRow extends ReportForPayout {
  balanceMinor: bigint;
  baseCurrency: string;
}

export interface PayableReportFilter {
  payeeUserId?: string;
  currency?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

interface Row {
  id: string;
  user_id: string;
  title: string;
  status: ExpenseReportStatus;
  ends_on: string;
  payout_batch_id: string | null;
}

const COLUMNS = `r.id, r.user_id, r.title, r.status, to_char(r.ends_on, 'YYYY-MM-DD') AS ends_on, r.payout_batch_id`;

const toReport = (r: Row): ReportForPayout => ({
  id: r.id,
  userId: r.user_id,
  title: r.title,
  status: r.status,
  endsOn: r.ends_on,
  payoutBatchId: r.payout_batch_id,
});

/**
 * The payout side of expense reports: decided reports waiting to be paid, and their reservation
 * by a payout batch. Scoped by organization like every report query.
 */
@Injectable()
export class ReportPayoutsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Approved and partly approved reports no batch has reserved whose balance is above zero,
   * oldest `ends_on` first; `total` counts every match. The balance is the sum of the approved
   * lines' base amounts less the base amounts of the paid advances linked to the report, in the
   * organization's base currency (what `ReportBalance` answers for one report, here for a page of
   * them in one statement; both tables are read only, as docs/architecture.md lists).
   */
  async listPayable(
    organizationId: string,
    filter: PayableReportFilter,
  ): Promise<{ total: number; items: PayableReportRow[] }> {
    const values: unknown[] = [organizationId];
    const where = [
      `r.organization_id = $1`,
      `r.status IN ('approved', 'partly_approved')`,
      `r.payout_batch_id IS NULL`,
    ];
    const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${values.push(value)}`));
    if (filter.payeeUserId) add('r.user_id = ?', filter.payeeUserId);
    if (filter.currency) add('o.base_currency = ?', filter.currency);
    if (filter.from) add('r.ends_on >= ?::date', filter.from);
    if (filter.to) add('r.ends_on <= ?::date', filter.to);
    const matching = `
        SELECT ${COLUMNS}, o.base_currency, approved.total_minor - advanced.total_minor AS balance_minor
        FROM expense_reports r
        JOIN organizations o ON o.id = r.organization_id
        CROSS JOIN LATERAL (
          SELECT COALESCE(SUM(s.base_amount_minor), 0) AS total_minor FROM spends s
          WHERE s.organization_id = r.organization_id AND s.expense_report_id = r.id AND s.status = 'approved'
        ) approved
        CROSS JOIN LATERAL (
          SELECT COALESCE(SUM(a.base_amount_minor), 0) AS total_minor FROM advances a
          WHERE a.organization_id = r.organization_id AND a.expense_report_id = r.id AND a.status = 'paid'
        ) advanced
        WHERE ${where.join(' AND ')} AND approved.total_minor - advanced.total_minor > 0`;
    const text = pageWithTotal(matching, 'ends_on, id', values, filter);
    const { total, rows } = pageOf(
      await runSql<Row & { base_currency: string; balance_minor: string; total: string }>(
        this.dataSource,
        variant('report_payouts.payable', text),
        values,
      ),
    );
    return {
      total,
      items: rows.map((r) => ({
        ...toReport(r),
        balanceMinor: BigInt(r.balance_minor),
        baseCurrency: r.base_currency.trim(),
      })),
    };
  }

  /** Row-locks the reports, in id order so that two batches locking overlapping sets never deadlock. */
  async lock(tx: EntityManager, organizationId: string, ids: string[]): Promise<ReportForPayout[]> {
    return (await runSql<Row>(tx, LOCK, [organizationId, ids])).map(toReport);
  }

  async reserve(tx: EntityManager, organizationId: string, ids: string[], batchId: string): Promise<void> {
    await runSql(tx, RESERVE, [organizationId, ids, batchId]);
  }

  /** Frees the reports the batch reserved; a report already paid keeps the batch that paid it. */
  async release(tx: EntityManager, organizationId: string, ids: string[], batchId: string): Promise<void> {
    await runSql(tx, RELEASE, [organizationId, ids, batchId]);
  }
}

const LOCK: Statement = {
  name: 'report_payouts.lock',
  text: `SELECT ${COLUMNS} FROM expense_reports r WHERE r.organization_id = $1 AND r.id = ANY($2::uuid[]) ORDER BY r.id FOR UPDATE`,
};

const RESERVE: Statement = {
  name: 'report_payouts.reserve',
  text: `UPDATE expense_reports SET payout_batch_id = $3, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};

const RELEASE: Statement = {
  name: 'report_payouts.release',
  text: `UPDATE expense_reports SET payout_batch_id = NULL, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND payout_batch_id = $3
           AND status IN ('approved', 'partly_approved')`,
};
