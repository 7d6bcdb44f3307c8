import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pageOf, pageWithTotal, runSql, Statement, variant } from '../../database/sql';
import type { PayableItemType } from '../payables/payable-source';
import type { PayoutBatchStatus, PayoutLineStatus, PayoutRail } from './payout-batch';

export interface StoredBatch {
  id: string;
  organizationId: string;
  status: PayoutBatchStatus;
  rail: PayoutRail;
  currency: string;
  lineCount: number;
  totalMinor: bigint;
  baseCurrency: string | null;
  baseTotalMinor: bigint | null;
  paidTotalMinor: bigint | null;
  executionDate: string;
  reference: string | null;
  createdBy: string;
  createdAt: Date;
  exportedAt: Date | null;
  paidAt: Date | null;
  cancelledAt: Date | null;
  updatedAt: Date;
}

export interface StoredLine {
  id: string;
  position: number;
  itemType: PayableItemType;
  itemId: string;
  payeeUserId: string;
  amountMinor: bigint;
  currency: string;
  baseAmountMinor: bigint;
  itemDate: string;
  description: string | null;
  status: PayoutLineStatus;
  failureReason: string | null;
}

export type NewBatch = Omit<
  StoredBatch,
  'status' | 'paidTotalMinor' | 'createdAt' | 'exportedAt' | 'paidAt' | 'cancelledAt' | 'updatedAt'
>;
export type NewLine = Omit<StoredLine, 'id' | 'status' | 'failureReason'>;

interface BatchRow {
  id: string;
  organization_id: string;
  status: PayoutBatchStatus;
  rail: PayoutRail;
  currency: string;
  line_count: number;
  total_minor: string;
  base_currency: string | null;
  base_total_minor: string | null;
  paid_total_minor: string | null;
  execution_date: string;
  reference: string | null;
  created_by: string;
  created_at: Date;
  exported_at: Date | null;
  paid_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
}

interface LineRow {
  id: string;
  position: number;
  item_type: PayableItemType;
  item_id: string;
  payee_user_id: string;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  item_date: string;
  description: string | null;
  status: PayoutLineStatus;
  failure_reason: string | null;
}

const BATCH_COLUMNS = `id, organization_id, status, rail, currency, line_count, total_minor, base_currency, base_total_minor,
  paid_total_minor, to_char(execution_date, 'YYYY-MM-DD') AS execution_date, reference, created_by, created_at,
  exported_at, paid_at, cancelled_at, updated_at`;
const LINE_COLUMNS = `id, position, item_type, item_id, payee_user_id, amount_minor, currency, base_amount_minor,
  to_char(item_date, 'YYYY-MM-DD') AS item_date, description, status, failure_reason`;

const big = (v: string | null) => (v === null ? null : BigInt(v));
const toBatch = (r: BatchRow): StoredBatch => ({
  id: r.id,
  organizationId: r.organization_id,
  status: r.status,
  rail: r.rail,
  currency: r.currency.trim(),
  lineCount: r.line_count,
  totalMinor: BigInt(r.total_minor),
  baseCurrency: r.base_currency?.trim() ?? null,
  baseTotalMinor: big(r.base_total_minor),
  paidTotalMinor: big(r.paid_total_minor),
  executionDate: r.execution_date,
  reference: r.reference,
  createdBy: r.created_by,
  createdAt: r.created_at,
  exportedAt: r.exported_at,
  paidAt: r.paid_at,
  cancelledAt: r.cancelled_at,
  updatedAt: r.updated_at,
});
const toLine = (r: LineRow): StoredLine => ({
  id: r.id,
  position: r.position,
  itemType: r.item_type,
  itemId: r.item_id,
  payeeUserId: r.payee_user_id,
  amountMinor: BigInt(r.amount_minor),
  currency: r.currency.trim(),
  baseAmountMinor: BigInt(r.base_amount_minor),
  itemDate: r.item_date,
  description: r.description,
  status: r.status,
  failureReason: r.failure_reason,
});

/** Payout batches and their lines, always scoped by organization. */
@Injectable()
export class PayoutBatchesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(organizationId: string, id: string): Promise<StoredBatch | null> {
    const [row] = await runSql<BatchRow>(this.dataSource, FIND, [organizationId, id]);
    return row ? toBatch(row) : null;
  }

  async lock(tx: EntityManager, organizationId: string, id: string): Promise<StoredBatch | null> {
    const [row] = await runSql<BatchRow>(tx, LOCK, [organizationId, id]);
    return row ? toBatch(row) : null;
  }

  /** The batch's lines in file order. */
  async lines(db: EntityManager | null, organizationId: string, batchId: string): Promise<StoredLine[]> {
    return (await runSql<LineRow>(db ?? this.dataSource, LINES, [organizationId, batchId])).map(toLine);
  }

  /** Newest first; `total` counts every match. */
  async list(
    organizationId: string,
    filter: { status?: PayoutBatchStatus; limit: number; offset: number },
  ): Promise<{ total: number; items: StoredBatch[] }> {
    const values: unknown[] = [organizationId];
    const status = filter.status ? ` AND status = $${values.push(filter.status)}` : '';
    const text = pageWithTotal(
      `SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE organization_id = $1${status}`,
      'created_at DESC, id DESC',
      values,
      filter,
    );
    const { total, rows } = pageOf(
      await runSql<BatchRow & { total: string }>(this.dataSource, variant('payout_batches.list', text), values),
    );
    return { total, items: rows.map(toBatch) };
  }

  async insert(tx: EntityManager, batch: NewBatch, lines: NewLine[]): Promise<void> {
    await runSql(tx, INSERT, [
      batch.id,
      batch.organizationId,
      batch.rail,
      batch.currency,
      batch.lineCount,
      batch.totalMinor.toString(),
      batch.baseCurrency,
      batch.baseTotalMinor?.toString() ?? null,
      batch.executionDate,
      batch.reference,
      batch.createdBy,
    ]);
    await runSql(tx, INSERT_LINES, [
      batch.organizationId,
      batch.id,
      lines.map((l) => l.position),
      lines.map((l) => l.itemType),
      lines.map((l) => l.itemId),
      lines.map((l) => l.payeeUserId),
      lines.map((l) => l.amountMinor.toString()),
      lines.map((l) => l.currency),
      lines.map((l) => l.baseAmountMinor.toString()),
      lines.map((l) => l.itemDate),
      lines.map((l) => l.description),
    ]);
  }

  async markExported(tx: EntityManager, organizationId: string, id: string, by: string): Promise<void> {
    await runSql(tx, MARK_EXPORTED, [organizationId, id, by]);
  }

  /** Settles each line: paid, or failed with its reason. */
  async settleLines(
    tx: EntityManager,
    organizationId: string,
    batchId: string,
    outcomes: Array<{ lineId: string; status: 'paid' | 'failed'; reason: string | null }>,
  ): Promise<void> {
    await runSql(tx, SETTLE_LINES, [
      organizationId,
      batchId,
      outcomes.map((o) => o.lineId),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.reason),
    ]);
  }

  async markPaid(
    tx: EntityManager,
    organizationId: string,
    id: string,
    paid: { by: string; at: Date; totalMinor: bigint },
  ): Promise<void> {
    await runSql(tx, MARK_PAID, [organizationId, id, paid.by, paid.at, paid.totalMinor.toString()]);
  }

  async cancel(tx: EntityManager, organizationId: string, id: string, by: string): Promise<void> {
    await runSql(tx, CANCEL_LINES, [organizationId, id]);
    await runSql(tx, CANCEL, [organizationId, id, by]);
  }
}

const FIND: Statement = {
  name: 'payout_batches.find',
  text: `SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE organization_id = $1 AND id = $2`,
};

const LOCK: Statement = {
  name: 'payout_batches.lock',
  text: `SELECT ${BATCH_COLUMNS} FROM payout_batches WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};

const LINES: Statement = {
  name: 'payout_batch_lines.of_batch',
  text: `SELECT ${LINE_COLUMNS} FROM payout_batch_lines WHERE organization_id = $1 AND batch_id = $2 ORDER BY position`,
};

const INSERT: Statement = {
  name: 'payout_batches.insert',
  text: `INSERT INTO payout_batches (id, organization_id, rail, currency, line_count, total_minor, base_currency,
           base_total_minor, execution_date, reference, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
};

const INSERT_LINES: Statement = {
  name: 'payout_batch_lines.insert',
  text: `INSERT INTO payout_batch_lines (organization_id, batch_id, position, item_type, item_id, payee_user_id,
           amount_minor, currency, base_amount_minor, item_date, description)
         SELECT $1, $2, * FROM unnest($3::integer[], $4::text[], $5::uuid[], $6::uuid[], $7::bigint[], $8::text[],
           $9::bigint[], $10::date[], $11::text[])`,
};

const MARK_EXPORTED: Statement = {
  name: 'payout_batches.mark_exported',
  text: `UPDATE payout_batches SET status = 'exported', exported_by = $3, exported_at = now(), updated_at = now()
         WHERE organization_id = $1 AND id = $2`,
};

const SETTLE_LINES: Statement = {
  name: 'payout_batch_lines.settle',
  text: `UPDATE payout_batch_lines l SET status = o.status, failure_reason = o.reason, updated_at = now()
         FROM unnest($3::uuid[], $4::text[], $5::text[]) AS o (id, status, reason)
         WHERE l.organization_id = $1 AND l.batch_id = $2 AND l.id = o.id`,
};

const MARK_PAID: Statement = {
  name: 'payout_batches.mark_paid',
  text: `UPDATE payout_batches SET status = 'paid', paid_by = $3, paid_at = $4, paid_total_minor = $5, updated_at = now()
         WHERE organization_id = $1 AND id = $2`,
};

const CANCEL_LINES: Statement = {
  name: 'payout_batch_lines.cancel',
  text: `UPDATE payout_batch_lines SET status = 'cancelled', updated_at = now()
         WHERE organization_id = $1 AND batch_id = $2 AND status = 'pending'`,
};

const CANCEL: Statement = {
  name: 'payout_batches.cancel',
  text: `UPDATE payout_batches SET status = 'cancelled', cancelled_by = $3, cancelled_at = now(), updated_at = now()
         WHERE organization_id = $1 AND id = $2`,
};
