import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { EndDateRateDto } from './dto/end-date-rate.dto';
import { CreateMileageRateDto, ListMileageRatesQuery, MileageRateResponseDto } from './dto/mileage-rate.dto';
import { DistanceUnit, MileageRate, VehicleType } from './mileage-rate';
import { MileageRatesRepository } from './mileage-rates.repository';
import { RatesErrors } from './rates.errors';

/**
 * Mileage rate tables: admins write them, every member reads them. Ranges of one (vehicle type,
 * unit) never overlap, so exactly one rate (or none) is in force on a day. Deleting a rate does
 * not touch spends computed from it: they keep their own copy of the computation.
 */
@Injectable()
export class MileageRatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rates: MileageRatesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, query: ListMileageRatesQuery): Promise<{ items: MileageRateResponseDto[] }> {
    const rates = await this.rates.list(actor.organizationId, {
      vehicleType: query.vehicle_type,
      unit: query.unit,
      on: query.on,
    });
    return { items: rates.map(toMileageRateResponse) };
  }

  async get(actor: Actor, id: string): Promise<MileageRateResponseDto> {
    const rate = await this.rates.findById(actor.organizationId, id);
    if (!rate) throw RatesErrors.MILEAGE_RATE_NOT_FOUND(`Mileage rate ${id} does not exist`);
    return toMileageRateResponse(rate);
  }

  /** The rate in force on `day`, for computing a mileage spend (in the caller's transaction). */
  inForce(
    tx: EntityManager,
    organizationId: string,
    vehicleType: VehicleType,
    unit: DistanceUnit,
    day: string,
  ): Promise<MileageRate | null> {
    return this.rates.inForce(tx, organizationId, vehicleType, unit, day);
  }

  async create(actor: Actor, dto: CreateMileageRateDto): Promise<MileageRateResponseDto> {
    const validTo = dto.valid_to ?? null;
    if (validTo !== null && validTo < dto.valid_from) {
      throw CommonErrors.VALIDATION_FAILED('valid_to is before valid_from', {
        errors: [{ field: 'valid_to', message: 'must not be before valid_from' }],
      });
    }
    const fields = {
      organizationId: actor.organizationId,
      vehicleType: dto.vehicle_type,
      unit: dto.unit,
      rateMilliMinor: dto.rate_milli_minor,
      currency: dto.currency.toUpperCase(),
      validFrom: dto.valid_from,
      validTo,
    };
    const rate = await this.dataSource.transaction(async (tx) => {
      await this.rates.lockKey(tx, fields.organizationId, fields.vehicleType, fields.unit);
      const clash = await this.rates.findOverlapping(tx, fields);
      if (clash) {
        throw RatesErrors.MILEAGE_RATE_OVERLAP(
          `The ${clash.vehicleType}/${clash.unit} rate ${clash.id} already applies from ${clash.validFrom} to ${clash.validTo ?? 'further notice'}`,
        );
      }
      const created = await this.rates.insert(tx, fields);
      await this.audit.record(tx, actor, {
        action: 'mileage_rate.created',
        entityType: 'mileage_rate',
        entityId: created.id,
        metadata: auditOf(created),
      });
      return created;
    });
    return toMileageRateResponse(rate);
  }

  /** `PATCH`: the rate's last day, and nothing else (spends were priced from its value). */
  async endDate(actor: Actor, id: string, dto: EndDateRateDto): Promise<MileageRateResponseDto> {
    const rate = await this.dataSource.transaction(async (tx) => {
      const current = await this.rates.findById(actor.organizationId, id, tx);
      if (!current) throw RatesErrors.MILEAGE_RATE_NOT_FOUND(`Mileage rate ${id} does not exist`);
      await this.rates.lockKey(tx, current.organizationId, current.vehicleType, current.unit);
      const locked = await this.rates.findByIdForUpdate(tx, actor.organizationId, id);
      if (!locked) throw RatesErrors.MILEAGE_RATE_NOT_FOUND(`Mileage rate ${id} does not exist`);
      if (dto.valid_to < locked.validFrom) {
        throw CommonErrors.VALIDATION_FAILED('valid_to is before valid_from', {
          errors: [{ field: 'valid_to', message: 'must not be before valid_from' }],
        });
      }
      const clash = await this.rates.findOverlapping(tx, { ...locked, validTo: dto.valid_to }, locked.id);
      if (clash) {
        throw RatesErrors.MILEAGE_RATE_OVERLAP(
          `The ${clash.vehicleType}/${clash.unit} rate ${clash.id} already applies from ${clash.validFrom} to ${clash.validTo ?? 'further notice'}`,
        );
      }
      const ended = await this.rates.setValidTo(tx, actor.organizationId, id, dto.valid_to);
      await this.audit.record(tx, actor, {
        action: 'mileage_rate.end_dated',
        entityType: 'mileage_rate',
        entityId: id,
        metadata: { ...auditOf(ended), previousValidTo: locked.validTo },
      });
      return ended;
    });
    return toMileageRateResponse(rate);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const deleted = await this.rates.delete(tx, actor.organizationId, id);
      if (!deleted) throw RatesErrors.MILEAGE_RATE_NOT_FOUND(`Mileage rate ${id} does not exist`);
      await this.audit.record(tx, actor, {
        action: 'mileage_rate.deleted',
        entityType: 'mileage_rate',
        entityId: id,
        metadata: auditOf(deleted),
      });
    });
  }
}

function auditOf(rate: MileageRate) {
  return {
    vehicleType: rate.vehicleType,
    unit: rate.unit,
    rateMilliMinor: rate.rateMilliMinor,
    currency: rate.currency,
    validFrom: rate.validFrom,
    validTo: rate.validTo,
  };
}

export function toMileageRateResponse(rate: MileageRate): MileageRateResponseDto {
  return {
    id: rate.id,
    vehicle_type: rate.vehicleType,
    unit: rate.unit,
    rate_milli_minor: rate.rateMilliMinor,
    currency: rate.currency,
    valid_from: rate.validFrom,
    valid_to: rate.validTo,
    created_at: rate.createdAt.toISOString(),
  };
}
