import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { formatAmount } from '../../common/money/money';
import { OutboxService } from '../../common/outbox/outbox.service';
import type {
  CancelPayoutBatchDto,
  MarkPayoutBatchPaidDto,
  PayoutBatchDetailResponseDto,
} from '../dto/payout-batch.dto';
import { PayableSources } from '../payables/payable-sources';
import { PayoutErrors } from '../payouts.errors';
import { toBatchDetail } from './payout-batch.mapper';
import { PayoutBatchesRepository, StoredBatch, StoredLine } from './payout-batches.repository';

/**
 * The end of a batch. Paid: in one transaction every line is paid through its item's source
 * (one audit entry and one paid event per item) except those the bank returned, whose items
 * go back to approved; the batch is audited and `payout.paid` goes to the outbox. Cancelled:
 * its items are released, payable again.
 */
@Injectable()
export class SettlePayoutBatch {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: PayoutBatchesRepository,
    private readonly sources: PayableSources,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async markPaid(actor: Actor, id: string, dto: MarkPayoutBatchPaidDto): Promise<PayoutBatchDetailResponseDto> {
    return this.dataSource.transaction(async (tx) => {
      const batch = await this.lock(tx, actor, id);
      if (batch.status !== 'exported')
        throw PayoutErrors.PAYOUT_BATCH_NOT_PAYABLE(
          `Only an exported batch can be marked paid; this one is ${batch.status}${batch.status === 'open' ? ' (download its file first)' : ''}`,
        );
      const lines = await this.batches.lines(tx, actor.organizationId, id);
      const failed = this.failedLines(lines, dto);
      const paidAt = dto.paid_at ? new Date(dto.paid_at) : new Date();
      const paid = lines.filter((l) => !failed.has(l.id));
      const reference = batch.reference ?? `PAYOUT-${batch.id}`;

      for (const [type, group] of PayableSources.grouped(paid))
        await this.sources.of(type).markPaid(
          tx,
          actor,
          group.map((l) => l.itemId),
          { batchId: id, paidAt, reference },
        );
      for (const line of lines.filter((l) => failed.has(l.id)))
        await this.sources.of(line.itemType).release(tx, actor, [line.itemId], id, failed.get(line.id)!);

      const paidTotal = paid.reduce((s, l) => s + l.amountMinor, 0n);
      await this.batches.settleLines(tx, actor.organizationId, id, [
        ...paid.map((l) => ({ lineId: l.id, status: 'paid' as const, reason: null })),
        ...[...failed].map(([lineId, reason]) => ({ lineId, status: 'failed' as const, reason })),
      ]);
      await this.batches.markPaid(tx, actor.organizationId, id, {
        by: actor.userId,
        at: paidAt,
        totalMinor: paidTotal,
      });
      await this.audit.record(tx, actor, {
        action: 'payout_batch.paid',
        entityType: 'payout_batch',
        entityId: id,
        metadata: {
          paid_at: paidAt.toISOString(),
          paid_lines: paid.length,
          failed_lines: failed.size,
          paid_total_minor: paidTotal.toString(),
          currency: batch.currency,
        },
      });
      const settled = await this.batches.lines(tx, actor.organizationId, id);
      await this.outbox.enqueue(tx, actor.organizationId, 'payout.paid', {
        batch_id: id,
        rail: batch.rail,
        currency: batch.currency,
        paid_total: formatAmount(paidTotal, batch.currency),
        paid_at: paidAt.toISOString(),
        lines: settled.map((l) => ({
          line_id: l.id,
          item_type: l.itemType,
          item_id: l.itemId,
          payee_user_id: l.payeeUserId,
          amount: formatAmount(l.amountMinor, l.currency),
          status: l.status,
          failure_reason: l.failureReason,
        })),
      });
      return toBatchDetail((await this.batches.lock(tx, actor.organizationId, id))!, settled);
    });
  }

  /**
   * An exported batch's file may already be at the bank: releasing its items would let a second
   * batch pay them again. So it is cancelled only on the caller's word that the file never got
   * there (`not_sent_to_bank` with a reason, both audited); a file the bank took is settled with
   * mark-paid, its returned lines listed as failed.
   */
  async cancel(actor: Actor, id: string, dto: CancelPayoutBatchDto = {}): Promise<PayoutBatchDetailResponseDto> {
    return this.dataSource.transaction(async (tx) => {
      const batch = await this.lock(tx, actor, id);
      if (batch.status === 'paid' || batch.status === 'cancelled')
        throw PayoutErrors.PAYOUT_BATCH_NOT_CANCELLABLE(`Payout batch ${id} is ${batch.status}`);
      if (batch.status === 'exported') this.confirmedNotSent(batch, dto);
      const pending = (await this.batches.lines(tx, actor.organizationId, id)).filter((l) => l.status === 'pending');
      for (const [type, group] of PayableSources.grouped(pending))
        await this.sources.of(type).release(
          tx,
          actor,
          group.map((l) => l.itemId),
          id,
          null,
        );
      await this.batches.cancel(tx, actor.organizationId, id, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'payout_batch.cancelled',
        entityType: 'payout_batch',
        entityId: id,
        metadata: {
          from: batch.status,
          released: pending.map((l) => ({ item_type: l.itemType, item_id: l.itemId })),
          ...(batch.status === 'exported' ? { not_sent_to_bank: true, reason: dto.reason } : {}),
        },
      });
      return toBatchDetail(
        (await this.batches.lock(tx, actor.organizationId, id))!,
        await this.batches.lines(tx, actor.organizationId, id),
      );
    });
  }

  private confirmedNotSent(batch: StoredBatch, dto: CancelPayoutBatchDto): void {
    if (dto.not_sent_to_bank !== true)
      throw PayoutErrors.PAYOUT_BATCH_EXPORTED(
        `Payout batch ${batch.id} was exported at ${batch.exportedAt?.toISOString()}; if its file reached the bank, mark it paid (listing returned lines as failed); cancel it only with not_sent_to_bank: true and a reason`,
      );
    if (!dto.reason)
      throw CommonErrors.VALIDATION_FAILED('Cancelling an exported batch needs a reason', {
        errors: [{ field: 'reason', message: 'is required to cancel an exported batch' }],
      });
  }

  private async lock(tx: EntityManager, actor: Actor, id: string): Promise<StoredBatch> {
    const batch = await this.batches.lock(tx, actor.organizationId, id);
    if (!batch) throw PayoutErrors.PAYOUT_BATCH_NOT_FOUND(`Payout batch ${id} does not exist`);
    return batch;
  }

  /** The failed lines named, by id with their reason; each must be a line of this batch, named once. */
  private failedLines(lines: StoredLine[], dto: MarkPayoutBatchPaidDto): Map<string, string> {
    const failed = new Map<string, string>();
    const ids = new Set(lines.map((l) => l.id));
    for (const [i, f] of (dto.failed_lines ?? []).entries()) {
      if (failed.has(f.line_id))
        throw CommonErrors.VALIDATION_FAILED(`failed_lines names ${f.line_id} more than once`, {
          errors: [{ field: `failed_lines[${i}].line_id`, message: 'names a line more than once' }],
        });
      if (!ids.has(f.line_id))
        throw PayoutErrors.PAYOUT_LINE_NOT_IN_BATCH(`Line ${f.line_id} is not a line of this batch`);
      failed.set(f.line_id, f.reason);
    }
    return failed;
  }
}
