import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pageOf, pageWithTotal, runSql, Statement, variant } from '../database/sql';
import type { SpendStatus } from './spend.entity';

/** A spend as payment sees it: who is paid how much, in which status, reserved by which batch. */
export interface PayableSpend {
  id: string;
  payeeUserId: string;
  status: SpendStatus;
  amountMinor: bigint;
  currency: string;
  baseAmountMinor: bigint;
  baseCurrency: string;
  date: string;
  description: string | null;
  payoutBatchId: string | null;
  /** Set on a line of an expense report, which is paid with its report, never alone. */
  expenseReportId: string | null;
}

export interface PayableSpendFilter {
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
  status: SpendStatus;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  spend_date: string;
  merchant: string | null;
  description: string | null;
  payout_batch_id: string | null;
  expense_report_id: string | null;
}

const COLUMNS = `id, user_id, status, amount_minor, currency, base_amount_minor, base_currency,
  to_char(spend_date, 'YYYY-MM-DD') AS spend_date, merchant, description, payout_batch_id, expense_report_id`;

const toPayable = (r: Row): PayableSpend => ({
  id: r.id,
  payeeUserId: r.user_id,
  status: r.status,
  amountMinor: BigInt(r.amount_minor),
  currency: r.currency.trim(),
  baseAmountMinor: BigInt(r.base_amount_minor),
  baseCurrency: r.base_currency.trim(),
  date: r.spend_date,
  description: r.merchant ?? r.description,
  payoutBatchId: r.payout_batch_id,
  expenseReportId: r.expense_report_id,
});

/**
 * The payment side of spends: approved spends waiting to be paid, their reservation by a
 * payout batch, and the payment itself. Scoped by organization like every spend query.
 */
@Injectable()
export class SpendPaymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Approved spends no batch has reserved and no expense report holds, oldest `spend_date` first; `total` counts every match. */
  async listPayable(
    organizationId: string,
    filter: PayableSpendFilter,
  ): Promise<{ total: number; items: PayableSpend[] }> {
    const values: unknown[] = [organizationId];
    const where = [
      `organization_id = $1`,
      `status = 'approved'`,
      `payout_batch_id IS NULL`,
      `expense_report_id IS NULL`,
    ];
    const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${values.push(value)}`));
    if (filter.payeeUserId) add('user_id = ?', filter.payeeUserId);
    if (filter.currency) add('currency = ?', filter.currency);
    if (filter.from) add('spend_date >= ?::date', filter.from);
    if (filter.to) add('spend_date <= ?::date', filter.to);
    const text = pageWithTotal(
      `SELECT ${COLUMNS} FROM spends WHERE ${where.join(' AND ')}`,
      'spend_date, id',
      values,
      filter,
    );
    const { total, rows } = pageOf(
      await runSql<Row & { total: string }>(this.dataSource, variant('spend_payments.payable', text), values),
    );
    return { total, items: rows.map(toPayable) };
  }

  /** Row-locks the spends, in id order so that two batches locking overlapping sets never deadlock. */
  async lock(tx: EntityManager, organizationId: string, ids: string[]): Promise<PayableSpend[]> {
    return (await runSql<Row>(tx, LOCK, [organizationId, ids])).map(toPayable);
  }

  async reserve(tx: EntityManager, organizationId: string, ids: string[], batchId: string): Promise<void> {
    await runSql(tx, RESERVE, [organizationId, ids, batchId]);
  }

  /** Frees the spends the batch reserved; a spend already paid stays as it is. */
  async release(tx: EntityManager, organizationId: string, ids: string[], batchId: string): Promise<void> {
    await runSql(tx, RELEASE, [organizationId, ids, batchId]);
  }

  async markPaid(
    tx: EntityManager,
    organizationId: string,
    ids: string[],
    payment: { paidAt: Date; paidBy: string | null; reference: string | null },
  ): Promise<void> {
    if (ids.length === 0) return;
    await runSql(tx, MARK_PAID, [organizationId, ids, payment.paidAt, payment.paidBy, payment.reference]);
  }
}

const LOCK: Statement = {
  name: 'spend_payments.lock',
  text: `SELECT ${COLUMNS} FROM spends WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
};

const RESERVE: Statement = {
  name: 'spend_payments.reserve',
  text: `UPDATE spends SET payout_batch_id = $3, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};

const RELEASE: Statement = {
  name: 'spend_payments.release',
  text: `UPDATE spends SET payout_batch_id = NULL, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND payout_batch_id = $3 AND status = 'approved'`,
};

const MARK_PAID: Statement = {
  name: 'spend_payments.mark_paid',
  text: `UPDATE spends SET status = 'paid', paid_at = $3, paid_by = $4, payment_reference = $5, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};
