import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/roles';
import { SpendPayment } from '../../spends/use-cases/spend-payment';
import type { PayableFilter, PayableItem, PayableSource, PayoutPayment } from './payable-source';

/**
 * Spends as a payable source: the adapter between the port, which payouts own, and
 * `SpendPayment`, the one place in `spends` that pays a spend (spends may not import payouts,
 * so the port is implemented here, above them).
 */
@Injectable()
export class SpendPayables implements PayableSource {
  readonly type = 'spend' as const;

  constructor(private readonly payment: SpendPayment) {}

  async listPayable(organizationId: string, filter: PayableFilter): Promise<{ total: number; items: PayableItem[] }> {
    const page = await this.payment.listPayable(organizationId, filter);
    return { total: page.total, items: page.items.map((s) => ({ type: this.type, ...s })) };
  }

  async reserve(tx: EntityManager, actor: Actor, ids: string[], batchId: string): Promise<PayableItem[]> {
    return (await this.payment.reserve(tx, actor, ids, batchId)).map((s) => ({ type: this.type, ...s }));
  }

  markPaid(tx: EntityManager, actor: Actor, ids: string[], payment: PayoutPayment): Promise<void> {
    return this.payment.payReserved(tx, actor, ids, payment);
  }

  release(tx: EntityManager, actor: Actor, ids: string[], batchId: string, reason: string | null): Promise<void> {
    return this.payment.release(tx, actor, ids, batchId, reason);
  }
}
