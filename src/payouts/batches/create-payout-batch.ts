import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { BankAccountsService } from '../bank-accounts.service';
import type { BankAccountKind } from '../bank-accounts.repository';
import { CreatePayoutBatchDto, MAX_BATCH_LINES, PayoutBatchDetailResponseDto } from '../dto/payout-batch.dto';
import { MAX_ENTRY_CENTS } from '../files/nacha-ppd';
import type { PayableItem, PayableItemType } from '../payables/payable-source';
import { PayableSources } from '../payables/payable-sources';
import { PayoutErrors } from '../payouts.errors';
import { PayoutRail, RAIL_OF_CURRENCY } from './payout-batch';
import { toBatchDetail } from './payout-batch.mapper';
import { NewLine, PayoutBatchesRepository } from './payout-batches.repository';

const ACCOUNT_FOR_RAIL: Record<PayoutRail, BankAccountKind> = { sepa: 'iban', nacha: 'us_ach' };
/** The largest amount a line may carry: SEPA's 999,999,999.99 EUR, NACHA's 10-digit entry amount. */
const MAX_LINE_MINOR: Record<PayoutRail, bigint> = { sepa: 99_999_999_999n, nacha: MAX_ENTRY_CENTS };
/** NACHA's 12-digit control totals. */
const MAX_TOTAL_MINOR: Record<PayoutRail, bigint> = { sepa: 99_999_999_999_999n, nacha: 999_999_999_999n };

/**
 * Finance gathers approved, unpaid items into a batch of one currency. In one transaction: the
 * items are locked and reserved (their source refuses a paid one, one already in an open
 * batch, the actor's own), checked for one currency the rails pay and for payees with bank
 * details of that rail, then the batch and its lines are written and audited.
 */
@Injectable()
export class CreatePayoutBatch {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: PayoutBatchesRepository,
    private readonly sources: PayableSources,
    private readonly bankAccounts: BankAccountsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreatePayoutBatchDto): Promise<PayoutBatchDetailResponseDto> {
    if (dto.currency && !RAIL_OF_CURRENCY[dto.currency])
      throw PayoutErrors.PAYOUT_CURRENCY_UNSUPPORTED(
        `Payouts are made in EUR (SEPA) or USD (NACHA), not ${dto.currency}`,
      );
    const wanted = await this.wanted(actor, dto);
    const batchId = randomUUID();
    const { batch, lines } = await this.dataSource.transaction(async (tx) => {
      const items: PayableItem[] = [];
      for (const [type, refs] of PayableSources.grouped(wanted))
        items.push(
          ...(await this.sources.of(type).reserve(
            tx,
            actor,
            refs.map((r) => r.itemId),
            batchId,
          )),
        );

      const currency = this.oneCurrency(items, dto.currency);
      const rail = RAIL_OF_CURRENCY[currency];
      if (!rail)
        throw PayoutErrors.PAYOUT_CURRENCY_UNSUPPORTED(
          `Payouts are made in EUR (SEPA) or USD (NACHA), not ${currency}`,
        );
      this.checkAmounts(items, rail);
      await this.checkPayees(tx, actor, items, rail);

      const baseCurrencies = new Set(items.map((i) => i.baseCurrency));
      const [baseCurrency] = baseCurrencies;
      const newLines: NewLine[] = items.map((item, i) => ({
        position: i + 1,
        itemType: item.type,
        itemId: item.id,
        payeeUserId: item.payeeUserId,
        amountMinor: item.amountMinor,
        currency: item.currency,
        baseAmountMinor: item.baseAmountMinor,
        itemDate: item.date,
        description: item.description,
      }));
      const newBatch = {
        id: batchId,
        organizationId: actor.organizationId,
        rail,
        currency,
        lineCount: items.length,
        totalMinor: sum(items.map((i) => i.amountMinor)),
        baseCurrency: baseCurrencies.size === 1 ? baseCurrency : null,
        baseTotalMinor: baseCurrencies.size === 1 ? sum(items.map((i) => i.baseAmountMinor)) : null,
        executionDate: dto.execution_date ?? new Date().toISOString().slice(0, 10),
        reference: dto.reference ?? null,
        createdBy: actor.userId,
      };
      await this.batches.insert(tx, newBatch, newLines);
      await this.audit.record(tx, actor, {
        action: 'payout_batch.created',
        entityType: 'payout_batch',
        entityId: batchId,
        metadata: {
          rail,
          currency,
          line_count: newBatch.lineCount,
          total_minor: newBatch.totalMinor.toString(),
          items: items.map((i) => ({ item_type: i.type, item_id: i.id })),
        },
      });
      return {
        batch: (await this.batches.lock(tx, actor.organizationId, batchId))!,
        lines: await this.batches.lines(tx, actor.organizationId, batchId),
      };
    });
    return toBatchDetail(batch, lines);
  }

  /** The items named, or those the filter matches now (oldest first, at most a batch's worth). */
  private async wanted(
    actor: Actor,
    dto: CreatePayoutBatchDto,
  ): Promise<Array<{ itemType: PayableItemType; itemId: string }>> {
    const filtering = ['item_type', 'payee_id', 'from', 'to'].filter(
      (f) => dto[f as keyof CreatePayoutBatchDto] !== undefined,
    );
    if (dto.items) {
      if (filtering.length > 0)
        throw CommonErrors.VALIDATION_FAILED(
          `Name items or filter, not both: ${filtering.join(', ')} sent with items`,
          {
            errors: filtering.map((field) => ({ field, message: 'must not be sent with items' })),
          },
        );
      const seen = new Set<string>();
      const twice = dto.items.filter((i) => seen.size === seen.add(`${i.item_type}:${i.item_id}`).size);
      if (twice.length > 0)
        throw CommonErrors.VALIDATION_FAILED(`items names ${twice[0].item_id} more than once`, {
          errors: [{ field: 'items', message: `names ${twice[0].item_id} more than once` }],
        });
      return dto.items.map((i) => ({ itemType: i.item_type, itemId: i.item_id }));
    }
    if (!dto.currency)
      throw CommonErrors.VALIDATION_FAILED('currency is required with a filter (or name items)', {
        errors: [{ field: 'currency', message: 'is required with a filter (or name items)' }],
      });
    const type = dto.item_type ?? 'spend';
    const { items } = await this.sources.of(type).listPayable(actor.organizationId, {
      payeeUserId: dto.payee_id,
      currency: dto.currency,
      from: dto.from,
      to: dto.to,
      limit: MAX_BATCH_LINES,
      offset: 0,
    });
    // Finance never pays their own items: a filter leaves them out rather than failing on them.
    const payable = items.filter((i) => i.payeeUserId !== actor.userId);
    if (payable.length === 0)
      throw PayoutErrors.NOTHING_TO_PAY(`No payable ${type} in ${dto.currency} matches the filter`);
    return payable.map((i) => ({ itemType: type, itemId: i.id }));
  }

  private oneCurrency(items: PayableItem[], asked: string | undefined): string {
    const currencies = [...new Set(items.map((i) => i.currency))];
    const others = asked ? currencies.filter((c) => c !== asked) : currencies.slice(1);
    if (others.length > 0) {
      const counts = Object.fromEntries(currencies.map((c) => [c, items.filter((i) => i.currency === c).length]));
      throw PayoutErrors.PAYOUT_MIXED_CURRENCIES(
        `A batch holds one currency; these items are in ${currencies.join(', ')}${asked ? ` (asked for ${asked})` : ''}`,
        { body: { currencies: counts } },
      );
    }
    return asked ?? currencies[0];
  }

  private checkAmounts(items: PayableItem[], rail: PayoutRail): void {
    const tooLarge = items.filter((i) => i.amountMinor > MAX_LINE_MINOR[rail]);
    if (tooLarge.length > 0 || sum(items.map((i) => i.amountMinor)) > MAX_TOTAL_MINOR[rail])
      throw PayoutErrors.PAYOUT_AMOUNT_OUT_OF_RANGE(
        tooLarge.length > 0
          ? `${tooLarge.map((i) => i.id).join(', ')} exceed what one ${rail} transfer carries`
          : `The total exceeds what one ${rail} file carries; split the batch`,
      );
  }

  private async checkPayees(tx: EntityManager, actor: Actor, items: PayableItem[], rail: PayoutRail): Promise<void> {
    const payees = [...new Set(items.map((i) => i.payeeUserId))];
    const kinds = await this.bankAccounts.kindsOf(tx, actor.organizationId, payees);
    const needed = ACCOUNT_FOR_RAIL[rail];
    const without = payees.filter((p) => kinds.get(p) !== needed);
    if (without.length > 0)
      throw PayoutErrors.PAYEE_BANK_DETAILS_MISSING(
        `${without.length} payee(s) have no ${needed === 'iban' ? 'IBAN' : 'US ACH account'} on file for a ${rail} payout: ${without.join(', ')}`,
        { body: { payees: without.map((user_id) => ({ user_id, bank_account: kinds.get(user_id) ?? null })) } },
      );
  }
}

const sum = (values: bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
