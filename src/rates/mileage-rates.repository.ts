import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement, variant } from '../database/sql';
import { DistanceUnit, MileageRate, VehicleType } from './mileage-rate';

export interface MileageRateFilter {
  vehicleType?: VehicleType;
  unit?: DistanceUnit;
  /** Only the rates in force on this day. */
  on?: string;
}

/** Mileage rates, always scoped by organization id. */
@Injectable()
export class MileageRatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    organizationId: string,
    id: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<MileageRate | null> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.findById, [organizationId, id]);
    return row ? toMileageRate(row) : null;
  }

  /**
   * Serializes writers of one (organization, vehicle type, unit) until the transaction ends, so
   * that the overlap check and the insert that follows it see every committed rate of the key.
   */
  async lockKey(tx: EntityManager, organizationId: string, vehicleType: VehicleType, unit: DistanceUnit) {
    await runSql(tx, STATEMENTS.lockKey, [`mileage_rates:${organizationId}:${vehicleType}:${unit}`]);
  }

  /** Locks one rate for an end-dating in this transaction. */
  async findByIdForUpdate(tx: EntityManager, organizationId: string, id: string): Promise<MileageRate | null> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.findByIdForUpdate, [organizationId, id]);
    return row ? toMileageRate(row) : null;
  }

  /** A rate of the key, other than `exceptId`, whose range meets [validFrom, validTo] (null = open-ended), if any. */
  async findOverlapping(
    tx: EntityManager,
    rate: Pick<MileageRate, 'organizationId' | 'vehicleType' | 'unit' | 'validFrom' | 'validTo'>,
    exceptId: string | null = null,
  ): Promise<MileageRate | null> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.overlapping, [
      rate.organizationId,
      rate.vehicleType,
      rate.unit,
      rate.validFrom,
      rate.validTo,
      exceptId,
    ]);
    return row ? toMileageRate(row) : null;
  }

  /** The rate in force on `day` for the vehicle type and unit. */
  async inForce(
    tx: EntityManager | DataSource,
    organizationId: string,
    vehicleType: VehicleType,
    unit: DistanceUnit,
    day: string,
  ): Promise<MileageRate | null> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.inForce, [organizationId, vehicleType, unit, day]);
    return row ? toMileageRate(row) : null;
  }

  async insert(tx: EntityManager, rate: Omit<MileageRate, 'id' | 'createdAt'>): Promise<MileageRate> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.insert, [
      rate.organizationId,
      rate.vehicleType,
      rate.unit,
      rate.rateMilliMinor,
      rate.currency,
      rate.validFrom,
      rate.validTo,
    ]);
    return toMileageRate(row);
  }

  async setValidTo(tx: EntityManager, organizationId: string, id: string, validTo: string): Promise<MileageRate> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.setValidTo, [organizationId, id, validTo]);
    return toMileageRate(row);
  }

  async delete(tx: EntityManager, organizationId: string, id: string): Promise<MileageRate | null> {
    const [row] = await runSql<MileageRateRow>(tx, STATEMENTS.delete, [organizationId, id]);
    return row ? toMileageRate(row) : null;
  }

  async list(organizationId: string, filter: MileageRateFilter): Promise<MileageRate[]> {
    const where = ['organization_id = $1'];
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.vehicleType) where.push(`vehicle_type = ${param(filter.vehicleType)}`);
    if (filter.unit) where.push(`unit = ${param(filter.unit)}`);
    if (filter.on) {
      const on = param(filter.on);
      where.push(`valid_from <= ${on}::date AND (valid_to IS NULL OR valid_to >= ${on}::date)`);
    }
    const rows = await runSql<MileageRateRow>(
      this.dataSource,
      variant(
        'mileage_rates.list',
        `SELECT ${COLUMNS} FROM mileage_rates WHERE ${where.join(' AND ')}
         ORDER BY vehicle_type, unit, valid_from, id LIMIT 500`,
      ),
      values,
    );
    return rows.map(toMileageRate);
  }
}

interface MileageRateRow {
  id: string;
  organization_id: string;
  vehicle_type: VehicleType;
  unit: DistanceUnit;
  rate_milli_minor: string;
  currency: string;
  valid_from: string;
  valid_to: string | null;
  created_at: Date;
}

function toMileageRate(row: MileageRateRow): MileageRate {
  return {
    id: row.id,
    organizationId: row.organization_id,
    vehicleType: row.vehicle_type,
    unit: row.unit,
    rateMilliMinor: Number(row.rate_milli_minor),
    currency: row.currency,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    createdAt: row.created_at,
  };
}

const COLUMNS = `id, organization_id, vehicle_type, unit, rate_milli_minor, currency,
  to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to, created_at`;

const STATEMENTS = {
  findById: {
    name: 'mileage_rates.by_id',
    text: `SELECT ${COLUMNS} FROM mileage_rates WHERE organization_id = $1 AND id = $2`,
  },
  findByIdForUpdate: {
    name: 'mileage_rates.by_id_for_update',
    text: `SELECT ${COLUMNS} FROM mileage_rates WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
  },
  lockKey: {
    name: 'mileage_rates.lock_key',
    text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
  },
  overlapping: {
    name: 'mileage_rates.overlapping',
    text: `SELECT ${COLUMNS} FROM mileage_rates
           WHERE organization_id = $1 AND vehicle_type = $2 AND unit = $3
             AND (valid_to IS NULL OR valid_to >= $4::date)
             AND ($5::date IS NULL OR valid_from <= $5::date)
             AND ($6::uuid IS NULL OR id <> $6::uuid)
           ORDER BY valid_from LIMIT 1`,
  },
  inForce: {
    name: 'mileage_rates.in_force',
    text: `SELECT ${COLUMNS} FROM mileage_rates
           WHERE organization_id = $1 AND vehicle_type = $2 AND unit = $3
             AND valid_from <= $4::date AND (valid_to IS NULL OR valid_to >= $4::date)
           LIMIT 1`,
  },
  insert: {
    name: 'mileage_rates.insert',
    text: `INSERT INTO mileage_rates (organization_id, vehicle_type, unit, rate_milli_minor, currency, valid_from, valid_to)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
  },
  setValidTo: {
    name: 'mileage_rates.set_valid_to',
    text: `UPDATE mileage_rates SET valid_to = $3 WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  },
  delete: {
    name: 'mileage_rates.delete',
    text: `DELETE FROM mileage_rates WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  },
} satisfies Record<string, Statement>;
