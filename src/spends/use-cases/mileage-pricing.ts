import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommonErrors } from '../../common/errors/common.errors';
import { VehicleType } from '../../rates/mileage-rate';
import { MileageRatesService } from '../../rates/mileage-rates.service';
import { CreateSpendDto, MileageInputDto } from '../dto/spend-input.dto';
import { Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';

const KM_PER_MILE = 1.609344;

/**
 * Prices a mileage spend from the organization's rate in force on its spend_date: amount =
 * distance × rate, rounded half up to the minor unit. The amount and currency are never typed
 * by hand; the spend keeps what it was priced from (its `computation`).
 */
@Injectable()
export class MileagePricing {
  constructor(private readonly rates: MileageRatesService) {}

  async apply(tx: EntityManager, spend: Spend, fields: Partial<CreateSpendDto>): Promise<void> {
    for (const field of ['amount', 'currency'] as const) {
      if (fields[field] !== undefined) {
        throw SpendErrors.AMOUNT_IS_COMPUTED(`A mileage spend's ${field} is computed from the mileage rate`, {
          errors: [{ field, message: 'must not be sent with source mileage: it is computed from the mileage rate' }],
        });
      }
    }
    const previous = spend.computation;
    const input: Pick<MileageInputDto, 'vehicle_type' | 'distance' | 'unit'> | undefined =
      fields.mileage ??
      (previous
        ? { vehicle_type: previous.vehicle_type as VehicleType, distance: previous.distance, unit: previous.unit }
        : undefined);
    if (!input) {
      throw CommonErrors.VALIDATION_FAILED('mileage is required with source mileage', {
        errors: [{ field: 'mileage', message: 'is required with source mileage' }],
      });
    }
    const rate = await this.rates.inForce(tx, spend.organizationId, input.vehicle_type, input.unit, spend.spendDate);
    if (!rate) {
      throw SpendErrors.NO_MILEAGE_RATE(
        `No ${input.vehicle_type} rate per ${input.unit} is in force on ${spend.spendDate}; an admin adds one at POST /organization/mileage-rates`,
        { errors: [{ field: 'mileage.vehicle_type', message: `has no rate per ${input.unit} on ${spend.spendDate}` }] },
      );
    }
    const hundredths = BigInt(Math.round(input.distance * 100));
    // rate is in 1/1000 minor units per unit, distance in 1/100 units: divide by 100 000, half up.
    const amount = (hundredths * BigInt(rate.rateMilliMinor) + 50_000n) / 100_000n;
    if (amount <= 0n) {
      throw SpendErrors.INVALID_AMOUNT('The trip is too short to pay anything at this rate', {
        errors: [{ field: 'mileage.distance', message: 'prices at 0' }],
      });
    }
    spend.amountMinor = amount.toString();
    spend.currency = rate.currency;
    spend.computation = {
      kind: 'mileage',
      vehicle_type: input.vehicle_type,
      distance: input.distance,
      unit: input.unit,
      distance_km: input.unit === 'km' ? input.distance : Math.round(input.distance * KM_PER_MILE * 100) / 100,
      rate_id: rate.id,
      rate_milli_minor: rate.rateMilliMinor,
      rate_valid_from: rate.validFrom,
      currency: rate.currency,
      amount_minor: amount.toString(),
    };
  }
}
