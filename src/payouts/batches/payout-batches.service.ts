import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/roles';
import type { Page } from '../../common/pagination/page';
import { BankAccountsService } from '../bank-accounts.service';
import type {
  ListPayoutBatchesQuery,
  PayableItemResponseDto,
  PayableQuery,
  PayoutBatchDetailResponseDto,
  PayoutBatchResponseDto,
} from '../dto/payout-batch.dto';
import { PayableSources } from '../payables/payable-sources';
import { PayoutErrors } from '../payouts.errors';
import { toBatchDetail, toBatchResponse, toPayableResponse } from './payout-batch.mapper';
import { PayoutBatchesRepository } from './payout-batches.repository';

/** What finance reads: the payable items, the batches, one batch with its lines. */
@Injectable()
export class PayoutBatchesService {
  constructor(
    private readonly batches: PayoutBatchesRepository,
    private readonly sources: PayableSources,
    private readonly bankAccounts: BankAccountsService,
  ) {}

  async payable(actor: Actor, query: PayableQuery): Promise<Page<PayableItemResponseDto>> {
    const { total, items } = await this.sources.of(query.item_type ?? 'spend').listPayable(actor.organizationId, {
      payeeUserId: query.payee_id,
      currency: query.currency,
      from: query.from,
      to: query.to,
      limit: query.limit,
      offset: query.offset,
    });
    const kinds = await this.bankAccounts.kindsOf(null, actor.organizationId, [
      ...new Set(items.map((i) => i.payeeUserId)),
    ]);
    return {
      total,
      items: items.map((i) => toPayableResponse(i, kinds.get(i.payeeUserId) ?? null)),
      next_cursor: null,
    };
  }

  async list(actor: Actor, query: ListPayoutBatchesQuery): Promise<Page<PayoutBatchResponseDto>> {
    const { total, items } = await this.batches.list(actor.organizationId, query);
    return { total, items: items.map(toBatchResponse), next_cursor: null };
  }

  async get(actor: Actor, id: string): Promise<PayoutBatchDetailResponseDto> {
    const batch = await this.batches.find(actor.organizationId, id);
    if (!batch) throw PayoutErrors.PAYOUT_BATCH_NOT_FOUND(`Payout batch ${id} does not exist`);
    return toBatchDetail(batch, await this.batches.lines(null, actor.organizationId, id));
  }
}
