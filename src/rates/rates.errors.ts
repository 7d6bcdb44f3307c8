import { defineErrors } from '../common/errors/domain-error';

export const RatesErrors = defineErrors({
  MILEAGE_RATE_NOT_FOUND: { status: 404, title: 'Mileage rate not found' },
  MILEAGE_RATE_OVERLAP: { status: 409, title: 'Mileage rate overlaps another of the same vehicle and unit' },
  PER_DIEM_RATE_NOT_FOUND: { status: 404, title: 'Per diem rate not found' },
  PER_DIEM_RATE_OVERLAP: { status: 409, title: 'Per diem rate overlaps another of the same country and city' },
});
