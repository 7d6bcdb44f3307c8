import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, variant } from '../../database/sql';
import { ReportContext } from '../report-audience';
import { ReportFilter } from '../report-filter';
import { ReportsRepository } from '../reports.repository';

/** One approval step of a spend's current round, as an accountant reads it. */
export interface ExportStep {
  step: number;
  /** Who decided, else who is assigned (a person's name, or the role `finance` / `admin`). */
  approver: string;
  status: string;
  decidedAt: Date | null;
}

/** A spend with the names behind its ids, ready to be written as a row. */
export interface ExportSpend {
  id: string;
  spendDate: string;
  status: string;
  ownerName: string;
  ownerEmail: string;
  team: string | null;
  category: string | null;
  categoryCode: string | null;
  vendor: string | null;
  merchant: string | null;
  description: string | null;
  amountMinor: bigint;
  currency: string;
  baseAmountMinor: bigint;
  baseCurrency: string;
  exchangeRate: string;
  submittedAt: Date | null;
  decidedAt: Date | null;
  paidAt: Date | null;
  paymentReference: string | null;
  flags: string[];
  receiptIds: string[];
  steps: ExportStep[];
}

interface SpendRow {
  id: string;
  spend_date: string;
  status: string;
  owner_name: string;
  owner_email: string;
  team: string | null;
  category: string | null;
  category_code: string | null;
  vendor: string | null;
  merchant: string | null;
  description: string | null;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  exchange_rate: string;
  submitted_at: Date | null;
  decided_at: Date | null;
  paid_at: Date | null;
  payment_reference: string | null;
  flags: string[];
}

/** Where the previous batch ended: spends are read in (spend_date, id) order. */
export interface ExportPosition {
  spendDate: string;
  id: string;
}

/**
 * The rows of an export, read in keyset batches so that no export holds more than one batch
 * in memory, nor a pool connection while the client downloads.
 *
 * Reports are a read model: a batch joins the spend with its owner, team, category, vendor,
 * approval steps and receipts in SQL, read-only, rather than asking each module per spend
 * (a 100,000-spend export would be hundreds of thousands of calls). Visibility still comes
 * from the spends module, through ReportsRepository.visibleSpends.
 */
@Injectable()
export class ExportRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ReportsRepository,
  ) {}

  async count(context: ReportContext, filter: ReportFilter): Promise<number> {
    const spends = this.reports.visibleSpends(context.organizationId, context.scope, filter);
    const [row] = await runSql<{ count: number }>(
      this.dataSource,
      variant('export.count', `SELECT count(*)::int AS count FROM spends s WHERE ${spends.where}`),
      spends.values,
    );
    return row?.count ?? 0;
  }

  /** The longest approval chain among the exported spends' current rounds: how many step columns to write. */
  async maxSteps(context: ReportContext, filter: ReportFilter): Promise<number> {
    const spends = this.reports.visibleSpends(context.organizationId, context.scope, filter);
    const [row] = await runSql<{ steps: number }>(
      this.dataSource,
      variant(
        'export.max_steps',
        `SELECT coalesce(max(a.step), 0)::int AS steps FROM spends s
           INNER JOIN approvals a ON a.organization_id = s.organization_id AND a.spend_id = s.id AND a.round = s.approval_round
         WHERE ${spends.where}`,
      ),
      spends.values,
    );
    return row?.steps ?? 0;
  }

  async batch(
    context: ReportContext,
    filter: ReportFilter,
    after: ExportPosition | null,
    limit: number,
  ): Promise<ExportSpend[]> {
    const spends = this.reports.visibleSpends(context.organizationId, context.scope, filter);
    if (after)
      spends.and(`(s.spend_date, s.id) > (${spends.param(after.spendDate)}::date, ${spends.param(after.id)}::uuid)`);
    const rows = await runSql<SpendRow>(
      this.dataSource,
      variant(
        'export.batch',
        `SELECT ${BATCH_COLUMNS} FROM spends s
           INNER JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
           LEFT JOIN teams t ON t.organization_id = s.organization_id AND t.id = s.team_id
           LEFT JOIN categories c ON c.organization_id = s.organization_id AND c.id = s.category_id
           LEFT JOIN vendors v ON v.organization_id = s.organization_id AND v.id = s.vendor_id
         WHERE ${spends.where} ORDER BY s.spend_date ASC, s.id ASC LIMIT ${spends.param(limit)}`,
      ),
      spends.values,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const steps = await this.steps(context.organizationId, ids);
    const receipts = await this.receipts(context.organizationId, ids);
    return rows.map((row) => ({
      id: row.id,
      spendDate: row.spend_date,
      status: row.status,
      ownerName: row.owner_name,
      ownerEmail: row.owner_email,
      team: row.team,
      category: row.category,
      categoryCode: row.category_code,
      vendor: row.vendor,
      merchant: row.merchant,
      description: row.description,
      amountMinor: BigInt(row.amount_minor),
      currency: row.currency,
      baseAmountMinor: BigInt(row.base_amount_minor),
      baseCurrency: row.base_currency,
      exchangeRate: row.exchange_rate,
      submittedAt: row.submitted_at,
      decidedAt: row.decided_at,
      paidAt: row.paid_at,
      paymentReference: row.payment_reference,
      flags: row.flags,
      receiptIds: receipts.get(row.id) ?? [],
      steps: steps.get(row.id) ?? [],
    }));
  }

  /** The current round's steps of these (already visible) spends, in chain order. */
  private async steps(organizationId: string, spendIds: string[]): Promise<Map<string, ExportStep[]>> {
    const rows = await runSql<{
      spend_id: string;
      step: number;
      status: string;
      decided_at: Date | null;
      approver: string;
    }>(this.dataSource, STEPS, [organizationId, spendIds]);
    const result = new Map<string, ExportStep[]>();
    for (const row of rows) {
      const list = result.get(row.spend_id) ?? [];
      list.push({ step: row.step, approver: row.approver, status: row.status, decidedAt: row.decided_at });
      result.set(row.spend_id, list);
    }
    return result;
  }

  private async receipts(organizationId: string, spendIds: string[]): Promise<Map<string, string[]>> {
    const rows = await runSql<{ spend_id: string; id: string }>(this.dataSource, RECEIPTS, [organizationId, spendIds]);
    const result = new Map<string, string[]>();
    for (const row of rows) result.set(row.spend_id, [...(result.get(row.spend_id) ?? []), row.id]);
    return result;
  }
}

/** A batch's row: the spend's own columns and the names behind its ids. */
const BATCH_COLUMNS = `s.id, to_char(s.spend_date, 'YYYY-MM-DD') AS spend_date, s.status, u.full_name AS owner_name, u.email AS owner_email,
  t.name AS team, c.name AS category, c.code AS category_code, v.name AS vendor, s.exchange_rate::text AS exchange_rate,
  s.merchant, s.description, s.amount_minor, s.currency, s.base_amount_minor, s.base_currency, s.submitted_at, s.decided_at,
  s.paid_at, s.payment_reference, s.flags`;

const STEPS = {
  name: 'export.steps',
  text: `SELECT a.spend_id, a.step, a.status, a.decided_at, coalesce(decider.full_name, assignee.full_name, a.approver_role) AS approver
         FROM approvals a
         JOIN spends s ON s.organization_id = a.organization_id AND s.id = a.spend_id AND s.approval_round = a.round
         LEFT JOIN users assignee ON assignee.organization_id = a.organization_id AND assignee.id = a.approver_user_id
         LEFT JOIN users decider ON decider.organization_id = a.organization_id AND decider.id = a.decided_by
         WHERE a.organization_id = $1 AND a.spend_id = ANY($2::uuid[])
         ORDER BY a.spend_id, a.step`,
};

const RECEIPTS = {
  name: 'export.receipts',
  text: 'SELECT spend_id, id FROM receipts WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY created_at, id',
};
