import { Inject, Injectable } from '@nestjs/common';
import { PAYABLE_SOURCES, PayableItemType, PayableSource } from './payable-source';

/** The registered payable sources, by item type: what a batch line's `item_type` is resolved with. */
@Injectable()
export class PayableSources {
  private readonly byType: Map<PayableItemType, PayableSource>;

  constructor(@Inject(PAYABLE_SOURCES) sources: PayableSource[]) {
    this.byType = new Map(sources.map((s) => [s.type, s]));
  }

  of(type: PayableItemType): PayableSource {
    const source = this.byType.get(type);
    if (!source) throw new Error(`No payable source for item type ${type}`);
    return source;
  }

  /** Ids grouped by item type, in first-seen order, for one call per source. */
  static grouped<T extends { itemType: PayableItemType; itemId: string }>(items: T[]): Map<PayableItemType, T[]> {
    const groups = new Map<PayableItemType, T[]>();
    for (const item of items) groups.set(item.itemType, [...(groups.get(item.itemType) ?? []), item]);
    return groups;
  }
}
