import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommonErrors } from '../../common/errors/common.errors';
import { CreateSpendDto } from '../dto/spend-input.dto';
import { ComputedSource, Spend, SpendComputation } from '../spend.entity';
import { SpendErrors } from '../spends.errors';
import { MileagePricing } from './mileage-pricing';
import { PerDiemPricing } from './per-diem-pricing';

/** What a pricer answers: the amount in minor units of the rate's currency, and its breakdown. */
export interface PricedSpend {
  amountMinor: bigint;
  currency: string;
  computation: SpendComputation;
  /** The spend's date when the computation decides it (a per diem trip's last day). */
  spendDate?: string;
  /** Where a price of 0 is blamed, and how it is explained. */
  zeroField: string;
  zeroMessage: string;
}

/** Each computed source's input field on the spend body. */
const INPUT_FIELD = { mileage: 'mileage', per_diem: 'per_diem' } as const satisfies Record<ComputedSource, string>;
const RATE_NAME: Record<ComputedSource, string> = { mileage: 'mileage rate', per_diem: 'per diem rates' };

/**
 * The one place a computed spend (mileage, per diem) is priced: a typed amount or currency is
 * refused, the other source's input too, the source's pricer computes the amount from the rate
 * table, and the spend keeps the breakdown. SpendFields converts it into the base currency.
 */
@Injectable()
export class ComputedPricing {
  constructor(
    private readonly mileage: MileagePricing,
    private readonly perDiem: PerDiemPricing,
  ) {}

  async apply(tx: EntityManager, spend: Spend, source: ComputedSource, fields: Partial<CreateSpendDto>): Promise<void> {
    for (const field of ['amount', 'currency'] as const) {
      if (fields[field] !== undefined) {
        throw SpendErrors.AMOUNT_IS_COMPUTED(
          `A ${label(source)} spend's ${field} is computed from the ${RATE_NAME[source]}`,
          {
            errors: [
              {
                field,
                message: `must not be sent with source ${source}: it is computed from the ${RATE_NAME[source]}`,
              },
            ],
          },
        );
      }
    }
    for (const [other, field] of Object.entries(INPUT_FIELD)) {
      if (other !== source && fields[field] !== undefined) {
        throw CommonErrors.VALIDATION_FAILED(`${field} is only for source ${other}`, {
          errors: [{ field, message: `is only accepted with source ${other}` }],
        });
      }
    }
    const priced =
      source === 'mileage'
        ? await this.mileage.price(tx, spend, fields.mileage)
        : await this.perDiem.price(tx, spend, fields);
    if (priced.amountMinor <= 0n) {
      throw SpendErrors.INVALID_AMOUNT(priced.zeroMessage, {
        errors: [{ field: priced.zeroField, message: 'prices at 0' }],
      });
    }
    if (priced.spendDate !== undefined) spend.spendDate = priced.spendDate;
    spend.amountMinor = priced.amountMinor.toString();
    spend.currency = priced.currency;
    spend.computation = priced.computation;
  }
}

function label(source: ComputedSource): string {
  return source === 'per_diem' ? 'per diem' : source;
}
