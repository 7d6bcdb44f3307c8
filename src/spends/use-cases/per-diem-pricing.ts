import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addDays, todayUtc } from '../../common/dates';
import { CommonErrors } from '../../common/errors/common.errors';
import { deductionPercent, Meal, MEALS, PerDiemRate } from '../../rates/per-diem-rate';
import { PerDiemRatesService } from '../../rates/per-diem-rates.service';
import { CreateSpendDto, PerDiemInputDto } from '../dto/spend-input.dto';
import { PerDiemTripsRepository } from '../per-diem-trips.repository';
import { PerDiemComputation, PerDiemDay, SIMULATED_SPEND_ID, Spend } from '../spend.entity';
import { SpendErrors } from '../spends.errors';
import type { PricedSpend } from './computed-pricing';

/** The longest trip one spend covers; a longer stay is filed in parts. */
export const MAX_TRIP_DAYS = 92;
/** Trips may end a day ahead (time zones), never later: a per diem is filed once the trip is over. */
const MAX_DAYS_AHEAD = 1;

type PerDiemInput = Pick<PerDiemInputDto, 'country' | 'city' | 'start_date' | 'end_date' | 'meals_provided'>;

/**
 * Prices a per diem spend day by day from the rates in force over the trip. The first and last
 * day of a trip, and a one-day trip, are travel days (the rate's partial-day amount); the days
 * between are full days. A meal provided takes its percent of that day's rate's full-day amount
 * off the day (rounded half up), never below 0. On each day a rate of the trip's city wins over
 * the country's. The spend's date is the trip's last day. A day is paid once: a trip that shares a
 * day with another of the same person (not cancelled) is refused.
 */
@Injectable()
export class PerDiemPricing {
  constructor(
    private readonly rates: PerDiemRatesService,
    private readonly trips: PerDiemTripsRepository,
  ) {}

  async price(tx: EntityManager, spend: Spend, fields: Partial<CreateSpendDto>): Promise<PricedSpend> {
    const input = fields.per_diem ?? previousInput(spend);
    if (!input) {
      throw CommonErrors.VALIDATION_FAILED('per_diem is required with source per_diem', {
        errors: [{ field: 'per_diem', message: 'is required with source per_diem' }],
      });
    }
    const dates = tripDays(input);
    if (fields.spend_date !== undefined && fields.spend_date !== input.end_date) {
      throw invalid('spend_date', `must be the trip's last day (${input.end_date}) for source per_diem, or omitted`);
    }
    await this.refuseOverlap(tx, spend, input);
    const city = input.city ?? null;
    const rates = await this.rates.inForceBetween(
      tx,
      spend.organizationId,
      input.country,
      city,
      input.start_date,
      input.end_date,
    );
    const inForce = dates.map((date) => {
      const rate = rateOn(rates, date);
      if (!rate) {
        const where = city ? `${input.country}/${city} or ${input.country}` : input.country;
        throw SpendErrors.NO_PER_DIEM_RATE(
          `No per diem rate for ${where} is in force on ${date}; an admin adds one at POST /organization/per-diem-rates`,
          { errors: [{ field: 'per_diem.country', message: `has no per diem rate on ${date}` }] },
        );
      }
      return { date, rate };
    });
    const currencies = new Set(inForce.map(({ rate }) => rate.currency));
    if (currencies.size > 1) {
      throw SpendErrors.PER_DIEM_CURRENCY_MIXED(
        `The per diem rates in force over the trip are in ${[...currencies].join(' and ')}; file each part of the trip as its own spend`,
        { errors: [{ field: 'per_diem.end_date', message: 'spans rates of more than one currency' }] },
      );
    }
    const meals = new Map((input.meals_provided ?? []).map((m) => [m.date, m.meals]));
    const last = inForce.length - 1;
    const days = inForce.map(({ date, rate }, index) =>
      priceDay(date, rate, index === 0 || index === last ? 'partial' : 'full', meals.get(date) ?? []),
    );
    const [currency] = currencies;
    const amount = days.reduce((sum, day) => sum + BigInt(day.amount_minor), 0n);
    const computation: PerDiemComputation = {
      kind: 'per_diem',
      country: input.country,
      city,
      start_date: input.start_date,
      end_date: input.end_date,
      day_count: days.length,
      full_days: days.filter((day) => day.day_type === 'full').length,
      partial_days: days.filter((day) => day.day_type === 'partial').length,
      days,
      currency,
      deduction_minor: days.reduce((sum, day) => sum + BigInt(day.deduction_minor), 0n).toString(),
      amount_minor: amount.toString(),
    };
    return {
      amountMinor: amount,
      currency,
      computation,
      spendDate: input.end_date,
      zeroField: 'per_diem.meals_provided',
      zeroMessage: 'Every day of the trip prices at 0 once the meals provided are taken off',
    };
  }

  private async refuseOverlap(tx: EntityManager, spend: Spend, input: PerDiemInput): Promise<void> {
    // A policy simulation prices a spend it never stores: no other trip is judged.
    if (spend.id === SIMULATED_SPEND_ID) return;
    await this.trips.lockTripsOf(tx, spend.organizationId, spend.userId);
    const other = await this.trips.overlapping(tx, spend.organizationId, spend.userId, {
      startDate: input.start_date,
      endDate: input.end_date,
      exceptId: spend.id,
    });
    if (other)
      throw SpendErrors.PER_DIEM_TRIP_OVERLAP(
        `Per diem spend ${other.id} already covers ${other.startDate} to ${other.endDate}; a day is paid once: change the dates, or cancel the other spend`,
        { errors: [{ field: 'per_diem.start_date', message: `overlaps per diem spend ${other.id}` }] },
      );
  }
}

/** The input an edit that sends no `per_diem` is priced from again: the spend's own trip. */
function previousInput(spend: Spend): PerDiemInput | undefined {
  const previous = spend.computation?.kind === 'per_diem' ? spend.computation : null;
  if (!previous) return undefined;
  return {
    country: previous.country,
    city: previous.city,
    start_date: previous.start_date,
    end_date: previous.end_date,
    meals_provided: previous.days
      .filter((day) => day.meals_provided.length > 0)
      .map((day) => ({ date: day.date, meals: day.meals_provided })),
  };
}

/** Every day of the trip, checked: in order, not too long, over, and the meals inside it. */
function tripDays(input: PerDiemInput): string[] {
  if (input.end_date < input.start_date) throw invalid('per_diem.end_date', 'must not be before start_date');
  if (input.end_date > addDays(todayUtc(), MAX_DAYS_AHEAD)) {
    throw invalid('per_diem.end_date', 'cannot be in the future: a per diem is filed once the trip is over');
  }
  const dates: string[] = [];
  for (let day = input.start_date; day <= input.end_date; day = addDays(day, 1)) {
    dates.push(day);
    if (dates.length > MAX_TRIP_DAYS) {
      throw invalid('per_diem.end_date', `a trip covers at most ${MAX_TRIP_DAYS} days; file a longer stay in parts`);
    }
  }
  const seen = new Set<string>();
  (input.meals_provided ?? []).forEach((entry, index) => {
    const field = `per_diem.meals_provided[${index}].date`;
    if (entry.date < input.start_date || entry.date > input.end_date) throw invalid(field, 'must be a day of the trip');
    if (seen.has(entry.date)) throw invalid(field, 'is listed twice');
    seen.add(entry.date);
  });
  return dates;
}

/**
 * One day at its rate: the full- or partial-day amount, less each meal provided's percent of the
 * full-day amount (rounded half up), never below 0. `deduction_minor` is what was taken off.
 */
function priceDay(date: string, rate: PerDiemRate, dayType: PerDiemDay['day_type'], meals: Meal[]): PerDiemDay {
  const base = dayType === 'full' ? rate.fullDayMinor : rate.partialDayMinor;
  const provided = MEALS.filter((meal) => meals.includes(meal));
  const deduction = provided.reduce((sum, meal) => sum + percentOf(rate.fullDayMinor, deductionPercent(rate, meal)), 0);
  const amount = Math.max(0, base - deduction);
  return {
    date,
    day_type: dayType,
    rate_id: rate.id,
    rate_city: rate.city,
    base_minor: base,
    meals_provided: provided,
    deduction_minor: base - amount,
    amount_minor: amount,
  };
}

/** The city's rate in force on the day if there is one, otherwise the country's. */
function rateOn(rates: PerDiemRate[], date: string): PerDiemRate | undefined {
  const inForce = rates.filter((r) => r.validFrom <= date && (r.validTo === null || r.validTo >= date));
  return inForce.find((r) => r.city !== null) ?? inForce.find((r) => r.city === null);
}

/** `percent` % of an amount in minor units, rounded half up. */
function percentOf(minor: number, percent: number): number {
  return Math.floor((minor * percent + 50) / 100);
}

function invalid(field: string, message: string) {
  return CommonErrors.VALIDATION_FAILED(`${field} ${message}`, { errors: [{ field, message }] });
}
