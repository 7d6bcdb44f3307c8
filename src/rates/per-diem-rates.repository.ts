import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement, variant } from '../database/sql';
import { PerDiemRate } from './per-diem-rate';

export interface PerDiemRateFilter {
  country?: string;
  /** Only the rates in force on this day. */
  on?: string;
}

/** The key whose date ranges may not overlap: one country, or one city of it (case-insensitive). */
export type PerDiemRateKey = Pick<PerDiemRate, 'organizationId' | 'country' | 'city'>;

/** The most rates a list answers: a table is a few rows per country and year. */
export const PER_DIEM_RATE_LIST_LIMIT = 500;

/** Per diem rates, always scoped by organization id. */
@Injectable()
export class PerDiemRatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    organizationId: string,
    id: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<PerDiemRate | null> {
    const [row] = await runSql<PerDiemRateRow>(tx, STATEMENTS.findById, [organizationId, id]);
    return row ? toPerDiemRate(row) : null;
  }

  /** Locks one rate for an end-dating in this transaction. */
  async findByIdForUpdate(tx: EntityManager, organizationId: string, id: string): Promise<PerDiemRate | null> {
    const [row] = await runSql<PerDiemRateRow>(tx, STATEMENTS.findByIdForUpdate, [organizationId, id]);
    return row ? toPerDiemRate(row) : null;
  }

  /**
   * Serializes writers of one (organization, country, city) until the transaction ends, so that
   * the overlap check and the write that follows it see every committed rate of the key. The
   * table's exclusion constraint is the backstop should anything write without the lock.
   */
  async lockKey(tx: EntityManager, key: PerDiemRateKey): Promise<void> {
    await runSql(tx, STATEMENTS.lockKey, [
      `per_diem_rates:${key.organizationId}:${key.country}:${(key.city ?? '').toLowerCase()}`,
    ]);
  }

  /** A rate of the key, other than `exceptId`, whose range meets [validFrom, validTo] (null = open-ended). */
  async findOverlapping(
    tx: EntityManager,
    rate: PerDiemRateKey & Pick<PerDiemRate, 'validFrom' | 'validTo'>,
    exceptId: string | null = null,
  ): Promise<PerDiemRate | null> {
    const [row] = await runSql<PerDiemRateRow>(tx, STATEMENTS.overlapping, [
      rate.organizationId,
      rate.country,
      rate.city ?? '',
      rate.validFrom,
      rate.validTo,
      exceptId,
    ]);
    return row ? toPerDiemRate(row) : null;
  }

  /**
   * Every rate of the country that is in force on some day of [from, to], for the city (any
   * case) or the whole country: the pricing picks, day by day, the city's rate over the country's.
   */
  async inForceBetween(
    tx: EntityManager | DataSource,
    organizationId: string,
    country: string,
    city: string | null,
    from: string,
    to: string,
  ): Promise<PerDiemRate[]> {
    const rows = await runSql<PerDiemRateRow>(tx, STATEMENTS.inForceBetween, [
      organizationId,
      country,
      city ?? '',
      from,
      to,
    ]);
    return rows.map(toPerDiemRate);
  }

  async insert(tx: EntityManager, rate: Omit<PerDiemRate, 'id' | 'createdAt' | 'updatedAt'>): Promise<PerDiemRate> {
    const [row] = await runSql<PerDiemRateRow>(tx, STATEMENTS.insert, [
      rate.organizationId,
      rate.country,
      rate.city,
      rate.currency,
      rate.fullDayMinor,
      rate.partialDayMinor,
      rate.breakfastDeductionPercent,
      rate.lunchDeductionPercent,
      rate.dinnerDeductionPercent,
      rate.validFrom,
      rate.validTo,
    ]);
    return toPerDiemRate(row);
  }

  async setValidTo(tx: EntityManager, organizationId: string, id: string, validTo: string): Promise<PerDiemRate> {
    const [row] = await runSql<PerDiemRateRow>(tx, STATEMENTS.setValidTo, [organizationId, id, validTo]);
    return toPerDiemRate(row);
  }

  async list(organizationId: string, filter: PerDiemRateFilter): Promise<PerDiemRate[]> {
    const where = ['organization_id = $1'];
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.country) where.push(`country = ${param(filter.country)}`);
    if (filter.on) {
      const on = param(filter.on);
      where.push(`valid_from <= ${on}::date AND (valid_to IS NULL OR valid_to >= ${on}::date)`);
    }
    const rows = await runSql<PerDiemRateRow>(
      this.dataSource,
      variant(
        'per_diem_rates.list',
        `SELECT ${COLUMNS} FROM per_diem_rates WHERE ${where.join(' AND ')}
         ORDER BY country, lower(coalesce(city, '')), valid_from, id LIMIT ${PER_DIEM_RATE_LIST_LIMIT}`,
      ),
      values,
    );
    return rows.map(toPerDiemRate);
  }
}

interface PerDiemRateRow {
  id: string;
  organization_id: string;
  country: string;
  city: string | null;
  currency: string;
  full_day_minor: string;
  partial_day_minor: string;
  breakfast_deduction_percent: number;
  lunch_deduction_percent: number;
  dinner_deduction_percent: number;
  valid_from: string;
  valid_to: string | null;
  created_at: Date;
  updated_at: Date;
}

function toPerDiemRate(row: PerDiemRateRow): PerDiemRate {
  return {
    id: row.id,
    organizationId: row.organization_id,
    country: row.country,
    city: row.city,
    currency: row.currency,
    fullDayMinor: Number(row.full_day_minor),
    partialDayMinor: Number(row.partial_day_minor),
    breakfastDeductionPercent: row.breakfast_deduction_percent,
    lunchDeductionPercent: row.lunch_deduction_percent,
    dinnerDeductionPercent: row.dinner_deduction_percent,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const COLUMNS = `id, organization_id, country, city, currency, full_day_minor, partial_day_minor,
  breakfast_deduction_percent, lunch_deduction_percent, dinner_deduction_percent,
  to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to, created_at, updated_at`;

const STATEMENTS = {
  findById: {
    name: 'per_diem_rates.by_id',
    text: `SELECT ${COLUMNS} FROM per_diem_rates WHERE organization_id = $1 AND id = $2`,
  },
  findByIdForUpdate: {
    name: 'per_diem_rates.by_id_for_update',
    text: `SELECT ${COLUMNS} FROM per_diem_rates WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
  },
  lockKey: {
    name: 'per_diem_rates.lock_key',
    text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
  },
  overlapping: {
    name: 'per_diem_rates.overlapping',
    text: `SELECT ${COLUMNS} FROM per_diem_rates
           WHERE organization_id = $1 AND country = $2 AND lower(coalesce(city, '')) = lower($3)
             AND (valid_to IS NULL OR valid_to >= $4::date)
             AND ($5::date IS NULL OR valid_from <= $5::date)
             AND ($6::uuid IS NULL OR id <> $6::uuid)
           ORDER BY valid_from LIMIT 1`,
  },
  inForceBetween: {
    name: 'per_diem_rates.in_force_between',
    text: `SELECT ${COLUMNS} FROM per_diem_rates
           WHERE organization_id = $1 AND country = $2
             AND (city IS NULL OR lower(city) = lower($3))
             AND valid_from <= $5::date AND (valid_to IS NULL OR valid_to >= $4::date)
           ORDER BY valid_from`,
  },
  insert: {
    name: 'per_diem_rates.insert',
    text: `INSERT INTO per_diem_rates (organization_id, country, city, currency, full_day_minor, partial_day_minor,
             breakfast_deduction_percent, lunch_deduction_percent, dinner_deduction_percent, valid_from, valid_to)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
  },
  setValidTo: {
    name: 'per_diem_rates.set_valid_to',
    text: `UPDATE per_diem_rates SET valid_to = $3, updated_at = now()
           WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  },
} satisfies Record<string, Statement>;
