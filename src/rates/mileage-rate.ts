export const VEHICLE_TYPES = ['car', 'motorcycle', 'bicycle', 'electric_car'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export const DISTANCE_UNITS = ['km', 'mi'] as const;
export type DistanceUnit = (typeof DISTANCE_UNITS)[number];

/**
 * What an organization pays per kilometre or mile for a vehicle type over a date range.
 * `rateMilliMinor` is thousandths of a minor unit per unit of distance (0.655 USD/mi = 65500).
 * Dates are ISO calendar days; `validTo` null means open-ended, both ends inclusive.
 */
export interface MileageRate {
  id: string;
  organizationId: string;
  vehicleType: VehicleType;
  unit: DistanceUnit;
  rateMilliMinor: number;
  currency: string;
  validFrom: string;
  validTo: string | null;
  createdAt: Date;
}
