import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

type Loader = (organizationId: string, spendIds: string[], tx?: EntityManager) => Promise<Map<string, object[]>>;

/**
 * Lets the receipts module (which depends on spends, not the other way round) show a spend's
 * receipts in spend answers: it registers a loader at start-up.
 */
@Injectable()
export class SpendAttachments {
  private loader?: Loader;

  provide(loader: Loader): void {
    this.loader = loader;
  }

  async forSpends(organizationId: string, spendIds: string[], tx?: EntityManager): Promise<Map<string, object[]>> {
    if (!this.loader || spendIds.length === 0) return new Map();
    return this.loader(organizationId, spendIds, tx);
  }
}
