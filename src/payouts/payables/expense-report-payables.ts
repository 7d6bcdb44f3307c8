import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/roles';
import { ReportPayouts } from '../../expense-reports/use-cases/report-payouts';
import type { PayableFilter, PayableItem, PayableSource, PayoutPayment } from './payable-source';

/**
 * Expense reports as a payable source: the adapter between the port, which payouts own, and
 * `ReportPayouts`, which expense-reports exports (it may not import payouts). A report is paid
 * to its owner, its balance in the organization's base currency; its date is its `ends_on`.
 */
@Injectable()
export class ExpenseReportPayables implements PayableSource {
  readonly type = 'expense_report' as const;

  constructor(private readonly payouts: ReportPayouts) {}

  async listPayable(organizationId: string, filter: PayableFilter): Promise<{ total: number; items: PayableItem[] }> {
    const page = await this.payouts.listPayable(organizationId, filter);
    return { total: page.total, items: page.items.map((r) => ({ type: this.type, ...r })) };
  }

  async reserve(tx: EntityManager, actor: Actor, ids: string[], batchId: string): Promise<PayableItem[]> {
    return (await this.payouts.reserve(tx, actor, ids, batchId)).map((r) => ({ type: this.type, ...r }));
  }

  markPaid(tx: EntityManager, actor: Actor, ids: string[], payment: PayoutPayment): Promise<void> {
    return this.payouts.payReserved(tx, actor, ids, payment);
  }

  release(tx: EntityManager, actor: Actor, ids: string[], batchId: string, reason: string | null): Promise<void> {
    return this.payouts.release(tx, actor, ids, batchId, reason);
  }
}
