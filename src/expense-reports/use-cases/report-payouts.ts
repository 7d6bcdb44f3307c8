import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ReportBalance } from '../report-balance';
import { PayableReportFilter, ReportForPayout, ReportPayoutsRepository } from '../report-payouts.repository';
import { ReportPayments } from './report-payments';

/** A payable report as payout batches take it: its owner is paid its balance in the base currency. */
export interface PayableReportItem {
  id: string;
  payeeUserId: string;
  amountMinor: bigint;
  currency: string;
  baseAmountMinor: bigint;
  baseCurrency: string;
  /** The report's `ends_on`. */
  date: string;
  /** What the payee's statement reads: the report's id and title. */
  description: string;
}

const PAYABLE = ['approved', 'partly_approved'];

/**
 * For the payouts module (above this one): decided, unpaid reports with a balance, reserved by a
 * batch, then paid (through ReportPayments: the report and its approved lines) or released, all
 * in the batch's transaction. Nobody pays their own report; a report reserved by an open or
 * exported batch is paid by that batch alone.
 */
@Injectable()
export class ReportPayouts {
  constructor(
    private readonly reports: ReportPayoutsRepository,
    private readonly balance: ReportBalance,
    private readonly payments: ReportPayments,
    private readonly audit: AuditService,
  ) {}

  async listPayable(
    organizationId: string,
    filter: PayableReportFilter,
  ): Promise<{ total: number; items: PayableReportItem[] }> {
    const page = await this.reports.listPayable(organizationId, filter);
    return {
      total: page.total,
      items: page.items.map((r) => item(r, r.balanceMinor, r.baseCurrency)),
    };
  }

  /** Locks decided reports nobody has reserved and reserves them for the batch, in the order of `ids`. */
  async reserve(tx: EntityManager, actor: Actor, ids: string[], batchId: string): Promise<PayableReportItem[]> {
    const reports = await this.lockPayable(tx, actor, ids);
    const taken = reports.filter((r) => r.payoutBatchId !== null);
    if (taken.length > 0)
      throw ExpenseReportErrors.EXPENSE_REPORT_IN_PAYOUT_BATCH(
        `${taken.map((r) => `Expense report ${r.id} is already in payout batch ${r.payoutBatchId}`).join('; ')}`,
      );
    const byId = new Map(reports.map((r) => [r.id, r]));
    const items: PayableReportItem[] = [];
    for (const id of ids) {
      const balance = await this.balance.of(tx, actor.organizationId, id);
      if (balance.balanceMinor <= 0n)
        throw ExpenseReportErrors.EXPENSE_REPORT_NOT_PAYABLE(`Expense report ${id} has no balance to pay`);
      items.push(item(byId.get(id)!, balance.balanceMinor, balance.baseCurrency));
    }
    await this.reports.reserve(tx, actor.organizationId, ids, batchId);
    return items;
  }

  /** Pays the reports the batch reserved: each report and its approved lines paid, audited each. */
  async payReserved(
    tx: EntityManager,
    actor: Actor,
    ids: string[],
    payment: { batchId: string; paidAt: Date; reference: string | null },
  ): Promise<void> {
    if (ids.length === 0) return;
    const reports = await this.lockPayable(tx, actor, ids);
    const strays = reports.filter((r) => r.payoutBatchId !== payment.batchId);
    if (strays.length > 0)
      throw ExpenseReportErrors.EXPENSE_REPORT_IN_PAYOUT_BATCH(
        `Expense report ${strays.map((r) => r.id).join(', ')} not reserved by payout batch ${payment.batchId}`,
      );
    for (const id of ids) await this.payments.markPaid(tx, actor, actor.organizationId, id, payment);
  }

  /** Frees reports the batch reserved (payable again); with a reason, audits each as a failed payout. */
  async release(tx: EntityManager, actor: Actor, ids: string[], batchId: string, reason: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.reports.release(tx, actor.organizationId, ids, batchId);
    if (reason === null) return;
    for (const report of await this.reports.lock(tx, actor.organizationId, ids))
      await this.audit.record(tx, actor, {
        action: 'expense_report.payout_failed',
        entityType: 'expense_report',
        entityId: report.id,
        metadata: { payout_batch_id: batchId, reason, status: report.status },
      });
  }

  /** Locks the reports and refuses any that are missing, the actor's own, or not decided and unpaid. */
  private async lockPayable(tx: EntityManager, actor: Actor, ids: string[]): Promise<ReportForPayout[]> {
    const reports = await this.reports.lock(tx, actor.organizationId, ids);
    const found = new Set(reports.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw ExpenseReportErrors.EXPENSE_REPORT_NOT_FOUND(`Expense report ${missing.join(', ')} does not exist`);
    if (reports.some((r) => r.userId === actor.userId))
      throw ExpenseReportErrors.EXPENSE_REPORT_SELF_PAYMENT_FORBIDDEN(
        'Nobody pays their own expense report; ask another finance user',
      );
    const unpayable = reports.filter((r) => !PAYABLE.includes(r.status));
    if (unpayable.length > 0)
      throw ExpenseReportErrors.EXPENSE_REPORT_NOT_PAYABLE(
        `Approved and partly approved expense reports can be paid; ${unpayable.map((r) => `${r.id} is ${r.status}`).join(', ')}`,
      );
    return reports;
  }
}

const item = (report: ReportForPayout, balanceMinor: bigint, baseCurrency: string): PayableReportItem => ({
  id: report.id,
  payeeUserId: report.userId,
  amountMinor: balanceMinor,
  currency: baseCurrency,
  baseAmountMinor: balanceMinor,
  baseCurrency,
  date: report.endsOn,
  description: `Expense report ${report.id} ${report.title}`,
});
