import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import { PaySpendDto } from '../dto/spend-query.dto';
import { Spend } from '../spend.entity';
import { SpendAccess } from '../spend-access';
import { PayableSpend, PayableSpendFilter, SpendPaymentsRepository } from '../spend-payments.repository';
import { SpendErrors } from '../spends.errors';
import { SpendsRepository } from '../spends.repository';

/** A payable spend as payout batches take it (the payment-only fields left out). */
export type PayableSpendItem = Omit<PayableSpend, 'status' | 'payoutBatchId' | 'expenseReportId'>;

const item = ({
  status: _status,
  payoutBatchId: _batch,
  expenseReportId: _report,
  ...rest
}: PayableSpend): PayableSpendItem => rest;

/**
 * The one place a spend is paid: singly (`POST /spends/{id}/pay`) or by a payout batch, which
 * reserves approved spends first and pays or releases them later, all in its own transaction.
 * Finance only (enforced on the routes); nobody pays their own spend; a spend reserved by an
 * open or exported batch is paid by that batch alone.
 */
@Injectable()
export class SpendPayment {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spends: SpendsRepository,
    private readonly payments: SpendPaymentsRepository,
    private readonly access: SpendAccess,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async paySingly(actor: Actor, id: string, dto: PaySpendDto): Promise<Spend> {
    if (!(await this.spends.findVisible(actor.organizationId, await this.access.scopeFor(actor), id)))
      throw SpendErrors.SPEND_NOT_FOUND(`Spend ${id} does not exist`);
    return this.dataSource.transaction(async (tx) => {
      const [spend] = await this.lockPayable(tx, actor, [id]);
      if (spend.payoutBatchId !== null)
        throw SpendErrors.SPEND_IN_PAYOUT_BATCH(
          `Spend ${id} is in payout batch ${spend.payoutBatchId}; it is paid when that batch is, or cancel the batch first`,
        );
      await this.pay(tx, actor, [spend], {
        batchId: null,
        paidAt: dto.paid_at ? new Date(dto.paid_at) : new Date(),
        reference: dto.reference ?? null,
      });
      return (await this.spends.lockById(tx, actor.organizationId, id))!;
    });
  }

  listPayable(organizationId: string, filter: PayableSpendFilter): Promise<{ total: number; items: PayableSpend[] }> {
    return this.payments.listPayable(organizationId, filter);
  }

  /** Locks approved spends nobody has reserved and reserves them for the batch, in the order of `ids`. */
  async reserve(tx: EntityManager, actor: Actor, ids: string[], batchId: string): Promise<PayableSpendItem[]> {
    const spends = await this.lockPayable(tx, actor, ids);
    const taken = spends.filter((s) => s.payoutBatchId !== null);
    if (taken.length > 0)
      throw SpendErrors.SPEND_IN_PAYOUT_BATCH(
        `${describe(taken)} already in an open payout batch (${[...new Set(taken.map((s) => s.payoutBatchId))].join(', ')})`,
      );
    await this.payments.reserve(tx, actor.organizationId, ids, batchId);
    const byId = new Map(spends.map((s) => [s.id, s]));
    return ids.map((id) => item(byId.get(id)!));
  }

  /** Pays the spends the batch reserved: one `spend.paid` audit entry and event each. */
  async payReserved(
    tx: EntityManager,
    actor: Actor,
    ids: string[],
    payment: { batchId: string; paidAt: Date; reference: string | null },
  ): Promise<void> {
    if (ids.length === 0) return;
    const spends = await this.lockPayable(tx, actor, ids);
    const strays = spends.filter((s) => s.payoutBatchId !== payment.batchId);
    if (strays.length > 0)
      throw SpendErrors.SPEND_IN_PAYOUT_BATCH(`${describe(strays)} not reserved by payout batch ${payment.batchId}`);
    await this.pay(tx, actor, spends, payment);
  }

  /** Frees spends the batch reserved (approved again, payable); with a reason, audits each as a failed payout. */
  async release(tx: EntityManager, actor: Actor, ids: string[], batchId: string, reason: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.payments.release(tx, actor.organizationId, ids, batchId);
    if (reason === null) return;
    for (const id of ids)
      await this.audit.record(tx, actor, {
        action: 'spend.payout_failed',
        entityType: 'spend',
        entityId: id,
        metadata: { payout_batch_id: batchId, reason, status: 'approved' },
      });
  }

  /** Locks the spends and refuses any that are missing, the actor's own, a line of an expense report, or not approved. */
  private async lockPayable(tx: EntityManager, actor: Actor, ids: string[]): Promise<PayableSpend[]> {
    const spends = await this.payments.lock(tx, actor.organizationId, ids);
    const found = new Set(spends.map((s) => s.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw SpendErrors.SPEND_NOT_FOUND(`Spend ${missing.join(', ')} does not exist`);
    if (spends.some((s) => s.payeeUserId === actor.userId))
      throw SpendErrors.SELF_PAYMENT_FORBIDDEN('Nobody marks their own spend paid; ask another finance user');
    const lines = spends.filter((s) => s.expenseReportId !== null);
    if (lines.length > 0)
      throw SpendErrors.SPEND_IN_EXPENSE_REPORT(
        `${lines.map((s) => `Spend ${s.id} is a line of expense report ${s.expenseReportId}`).join('; ')}; it is paid with its report`,
      );
    const unpayable = spends.filter((s) => s.status !== 'approved');
    if (unpayable.length > 0)
      throw SpendErrors.SPEND_NOT_PAYABLE(
        `Only approved spends can be paid; ${unpayable.map((s) => `${s.id} is ${s.status}`).join(', ')}`,
      );
    return spends;
  }

  private async pay(
    tx: EntityManager,
    actor: Actor,
    spends: PayableSpend[],
    payment: { batchId: string | null; paidAt: Date; reference: string | null },
  ): Promise<void> {
    await this.payments.markPaid(
      tx,
      actor.organizationId,
      spends.map((s) => s.id),
      { paidAt: payment.paidAt, paidBy: actor.userId, reference: payment.reference },
    );
    for (const spend of spends) {
      await this.audit.record(tx, actor, {
        action: 'spend.paid',
        entityType: 'spend',
        entityId: spend.id,
        metadata: {
          paid_at: payment.paidAt.toISOString(),
          reference: payment.reference,
          amount_minor: spend.amountMinor.toString(),
          currency: spend.currency,
          ...(payment.batchId ? { payout_batch_id: payment.batchId } : {}),
        },
      });
      await this.outbox.enqueue(tx, actor.organizationId, 'spend.paid', {
        spend_id: spend.id,
        user_id: spend.payeeUserId,
        reference: payment.reference,
      });
    }
  }
}

const describe = (spends: PayableSpend[]): string =>
  spends.length === 1 ? `Spend ${spends[0].id} is` : `Spends ${spends.map((s) => s.id).join(', ')} are`;
