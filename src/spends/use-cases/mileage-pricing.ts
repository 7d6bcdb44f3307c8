import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CommonErrors } from '../../common/errors/common.errors';
import { VehicleType } from '../../rates/mileage-rate';
import { MileageRatesService } from '../../rates/mileage-rates.service';
import { MileageInputDto } from '../dto/spend-input.dto';
import { MileageComputation, Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';
import type { PricedSpend } from './computed-pricing';

const KM_PER_MILE = 1.609344;

/**
 * Prices a mileage spend from the organization's rate in force on its spend_date: amount =
 * distance × rate, rounded half up to the minor unit. Called by ComputedPricing, which refuses
 * a typed amount and stores the result.
 */
@Injectable()
export class MileagePricing {
  constructor(private readonly rates: MileageRatesService) {}

  async price(tx: EntityManager, spend: Spend, sent: MileageInputDto | undefined): Promise<PricedSpend> {
    const previous = spend.computation?.kind === 'mileage' ? spend.computation : null;
    const input: Pick<MileageInputDto, 'vehicle_type' | 'distance' | 'unit'> | undefined =
      sent ??
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
    const computation: MileageComputation = {
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
    return {
      amountMinor: amount,
      currency: rate.currency,
      computation,
      zeroField: 'mileage.distance',
      zeroMessage: 'The trip is too short to pay anything at this rate',
    };
  }
}
