import { SpendErrors } from './spends.errors';

/** What pricing a computed spend (mileage, per diem) can refuse, as the OpenAPI document shows it. */
export const COMPUTED_SPEND_PROBLEMS = [
  [SpendErrors.AMOUNT_IS_COMPUTED, "A mileage spend's amount is computed from the mileage rate"],
  [
    SpendErrors.NO_MILEAGE_RATE,
    'No car rate per km is in force on 2026-03-02; an admin adds one at POST /organization/mileage-rates',
  ],
  [
    SpendErrors.NO_PER_DIEM_RATE,
    'No per diem rate for DE/Berlin or DE is in force on 2026-03-02; an admin adds one at POST /organization/per-diem-rates',
  ],
  [
    SpendErrors.PER_DIEM_CURRENCY_MIXED,
    'The per diem rates in force over the trip are in EUR and CHF; file each part of the trip as its own spend',
  ],
  [
    SpendErrors.PER_DIEM_TRIP_OVERLAP,
    'Per diem spend 7d3c9a4e-2b1f-4c8d-9e6a-5f4b3c2d1e0f already covers 2026-03-01 to 2026-03-05; a day is paid once: change the dates, or cancel the other spend',
  ],
  [SpendErrors.INVALID_AMOUNT, 'Every day of the trip prices at 0 once the meals provided are taken off'],
] as const;
