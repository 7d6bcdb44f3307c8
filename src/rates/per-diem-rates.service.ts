import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { isExclusionViolation } from '../database/pg-errors';
import { EndDateRateDto } from './dto/end-date-rate.dto';
import { CreatePerDiemRateDto, ListPerDiemRatesQuery, PerDiemRateResponseDto } from './dto/per-diem-rate.dto';
import { PerDiemRate } from './per-diem-rate';
import { PerDiemRatesRepository } from './per-diem-rates.repository';
import { RatesErrors } from './rates.errors';

const NO_OVERLAP_CONSTRAINT = 'per_diem_rates_no_overlap';

/**
 * Per diem rate tables: admins write them, every member reads them. Ranges of one (country,
 * city) never overlap, so on a day at most one city rate and one country rate apply. A rate is
 * never edited or deleted, because spends were priced from it: it can only be given an end.
 */
@Injectable()
export class PerDiemRatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rates: PerDiemRatesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, query: ListPerDiemRatesQuery): Promise<{ items: PerDiemRateResponseDto[] }> {
    const rates = await this.rates.list(actor.organizationId, { country: query.country, on: query.on });
    return { items: rates.map(toPerDiemRateResponse) };
  }

  async get(actor: Actor, id: string): Promise<PerDiemRateResponseDto> {
    const rate = await this.rates.findById(actor.organizationId, id);
    if (!rate) throw notFound(id);
    return toPerDiemRateResponse(rate);
  }

  /** The city's and the country's rates in force on some day of [from, to], for pricing a trip (in the caller's transaction). */
  inForceBetween(
    tx: EntityManager,
    organizationId: string,
    country: string,
    city: string | null,
    from: string,
    to: string,
  ): Promise<PerDiemRate[]> {
    return this.rates.inForceBetween(tx, organizationId, country, city, from, to);
  }

  async create(actor: Actor, dto: CreatePerDiemRateDto): Promise<PerDiemRateResponseDto> {
    const validTo = dto.valid_to ?? null;
    if (validTo !== null && validTo < dto.valid_from) throw validToBeforeFrom();
    if (dto.partial_day_minor > dto.full_day_minor) {
      throw CommonErrors.VALIDATION_FAILED('partial_day_minor is above full_day_minor', {
        errors: [{ field: 'partial_day_minor', message: 'must not be above full_day_minor' }],
      });
    }
    const fields = {
      organizationId: actor.organizationId,
      country: dto.country,
      city: dto.city ?? null,
      currency: dto.currency.toUpperCase(),
      fullDayMinor: dto.full_day_minor,
      partialDayMinor: dto.partial_day_minor,
      breakfastDeductionPercent: dto.meal_deductions?.breakfast_percent ?? 0,
      lunchDeductionPercent: dto.meal_deductions?.lunch_percent ?? 0,
      dinnerDeductionPercent: dto.meal_deductions?.dinner_percent ?? 0,
      validFrom: dto.valid_from,
      validTo,
    };
    const rate = await this.overlapSafe(() =>
      this.dataSource.transaction(async (tx) => {
        await this.rates.lockKey(tx, fields);
        const clash = await this.rates.findOverlapping(tx, fields);
        if (clash) throw overlap(clash);
        const created = await this.rates.insert(tx, fields);
        await this.audit.record(tx, actor, {
          action: 'per_diem_rate.created',
          entityType: 'per_diem_rate',
          entityId: created.id,
          metadata: auditOf(created),
        });
        return created;
      }),
    );
    return toPerDiemRateResponse(rate);
  }

  /** `PATCH`: the rate's last day, and nothing else. */
  async endDate(actor: Actor, id: string, dto: EndDateRateDto): Promise<PerDiemRateResponseDto> {
    const rate = await this.overlapSafe(() =>
      this.dataSource.transaction(async (tx) => {
        const current = await this.rates.findById(actor.organizationId, id, tx);
        if (!current) throw notFound(id);
        await this.rates.lockKey(tx, current);
        const locked = await this.rates.findByIdForUpdate(tx, actor.organizationId, id);
        if (!locked) throw notFound(id);
        if (dto.valid_to < locked.validFrom) throw validToBeforeFrom();
        const clash = await this.rates.findOverlapping(tx, { ...locked, validTo: dto.valid_to }, locked.id);
        if (clash) throw overlap(clash);
        const ended = await this.rates.setValidTo(tx, actor.organizationId, id, dto.valid_to);
        await this.audit.record(tx, actor, {
          action: 'per_diem_rate.end_dated',
          entityType: 'per_diem_rate',
          entityId: id,
          metadata: { ...auditOf(ended), previousValidTo: locked.validTo },
        });
        return ended;
      }),
    );
    return toPerDiemRateResponse(rate);
  }

  /** The exclusion constraint's refusal, should a write ever get past the lock, is the same 409. */
  private async overlapSafe<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isExclusionViolation(error, NO_OVERLAP_CONSTRAINT)) {
        throw RatesErrors.PER_DIEM_RATE_OVERLAP('The range meets another rate of the same country and city');
      }
      throw error;
    }
  }
}

function notFound(id: string) {
  return RatesErrors.PER_DIEM_RATE_NOT_FOUND(`Per diem rate ${id} does not exist`);
}

function validToBeforeFrom() {
  return CommonErrors.VALIDATION_FAILED('valid_to is before valid_from', {
    errors: [{ field: 'valid_to', message: 'must not be before valid_from' }],
  });
}

function overlap(clash: PerDiemRate) {
  const place = clash.city ? `${clash.country}/${clash.city}` : clash.country;
  return RatesErrors.PER_DIEM_RATE_OVERLAP(
    `The ${place} rate ${clash.id} already applies from ${clash.validFrom} to ${clash.validTo ?? 'further notice'}`,
  );
}

function auditOf(rate: PerDiemRate) {
  return {
    country: rate.country,
    city: rate.city,
    currency: rate.currency,
    fullDayMinor: rate.fullDayMinor,
    partialDayMinor: rate.partialDayMinor,
    breakfastDeductionPercent: rate.breakfastDeductionPercent,
    lunchDeductionPercent: rate.lunchDeductionPercent,
    dinnerDeductionPercent: rate.dinnerDeductionPercent,
    validFrom: rate.validFrom,
    validTo: rate.validTo,
  };
}

export function toPerDiemRateResponse(rate: PerDiemRate): PerDiemRateResponseDto {
  return {
    id: rate.id,
    country: rate.country,
    city: rate.city,
    currency: rate.currency,
    full_day_minor: rate.fullDayMinor,
    partial_day_minor: rate.partialDayMinor,
    meal_deductions: {
      breakfast_percent: rate.breakfastDeductionPercent,
      lunch_percent: rate.lunchDeductionPercent,
      dinner_percent: rate.dinnerDeductionPercent,
    },
    valid_from: rate.validFrom,
    valid_to: rate.validTo,
    created_at: rate.createdAt.toISOString(),
    updated_at: rate.updatedAt.toISOString(),
  };
}
