import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { EndDateRateDto } from './dto/end-date-rate.dto';
import {
  CreatePerDiemRateDto,
  ListPerDiemRatesQuery,
  PerDiemRateListDto,
  PerDiemRateResponseDto,
} from './dto/per-diem-rate.dto';
import { PerDiemRatesService } from './per-diem-rates.service';
import { RatesErrors } from './rates.errors';

const NOT_FOUND = [
  RatesErrors.PER_DIEM_RATE_NOT_FOUND,
  'Per diem rate 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f does not exist',
] as const;
const OVERLAP = [
  RatesErrors.PER_DIEM_RATE_OVERLAP,
  'The DE/Berlin rate 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f already applies from 2026-01-01 to further notice',
] as const;

@ApiTags('Per diem rates')
@Controller('organization/per-diem-rates')
export class PerDiemRatesController {
  constructor(private readonly rates: PerDiemRatesService) {}

  @Get()
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'List per diem rates',
    description:
      'Every member of the organization reads the rates (employees see what a trip will pay). Ordered by country, city (the country rate first) and start date; `on` keeps the rates in force that day. At most 500.',
  })
  @ApiOkResponse({ type: PerDiemRateListDto })
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListPerDiemRatesQuery): Promise<PerDiemRateListDto> {
    return this.rates.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a per diem rate',
    description:
      'Admins only. A range that meets another rate of the same country and city (or of the country, for a country rate) is 409: end the old rate with PATCH first.',
  })
  @ApiCreatedResponse({ type: PerDiemRateResponseDto })
  @ApiValidation()
  @ApiProblems(OVERLAP)
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePerDiemRateDto): Promise<PerDiemRateResponseDto> {
    return this.rates.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({ summary: 'Get a per diem rate', description: 'Any member of the organization.' })
  @ApiOkResponse({ type: PerDiemRateResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<PerDiemRateResponseDto> {
    return this.rates.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'End-date a per diem rate',
    description:
      'Admins only. Sets valid_to and nothing else: the amounts stay as spends were priced from them. A new amount is a new rate from the next day.',
  })
  @ApiOkResponse({ type: PerDiemRateResponseDto })
  @ApiInvalidId()
  @ApiValidation()
  @ApiProblems(NOT_FOUND, OVERLAP)
  endDate(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: EndDateRateDto,
  ): Promise<PerDiemRateResponseDto> {
    return this.rates.endDate(actor, id, dto);
  }
}
