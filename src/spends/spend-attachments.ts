import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

type Loader = (organizationId: string, spendIds: string[], tx?: EntityManager) => Promise<Map<string, object[]>>;

/**
 * Lets the receipts module (which depends on spends, not the other way round) show a spend's
 * receipts in spend answers: it registers the one loader at start-up (a port,
 * docs/architecture.md, "Cross-module calls and events"). Without one, answers list none.
 */
@Injectable()
export class SpendAttachments {
  private loader?: Loader;

  provide(loader: Loader): void {
    if (this.loader) throw new Error('SpendAttachments takes one loader; a second was registered');
    this.loader = loader;
  }

  async forSpends(organizationId: string, spendIds: string[], tx?: EntityManager): Promise<Map<string, object[]>> {
    if (!this.loader || spendIds.length === 0) return new Map();
    return this.loader(organizationId, spendIds, tx);
  }
}
