export const MEALS = ['breakfast', 'lunch', 'dinner'] as const;
export type Meal = (typeof MEALS)[number];

/**
 * What an organization pays per day of a business trip to a country (or one city of it) over a
 * date range. Amounts are integer minor units of `currency`: `fullDayMinor` for a day away from
 * start to end, `partialDayMinor` for a travel day (the first and last day of a trip, and a trip
 * of one day). A meal provided (by a hotel, a host) takes `<meal>DeductionPercent` of the full-day
 * amount off that day, whichever kind of day it is, never below 0. Dates are ISO calendar days;
 * `validTo` null means open-ended, both ends inclusive. `city` null is the country's rate.
 */
export interface PerDiemRate {
  id: string;
  organizationId: string;
  country: string;
  city: string | null;
  currency: string;
  fullDayMinor: number;
  partialDayMinor: number;
  breakfastDeductionPercent: number;
  lunchDeductionPercent: number;
  dinnerDeductionPercent: number;
  validFrom: string;
  validTo: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function deductionPercent(rate: PerDiemRate, meal: Meal): number {
  switch (meal) {
    case 'breakfast':
      return rate.breakfastDeductionPercent;
    case 'lunch':
      return rate.lunchDeductionPercent;
    case 'dinner':
      return rate.dinnerDeductionPercent;
  }
}
