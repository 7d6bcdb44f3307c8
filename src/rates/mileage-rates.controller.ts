import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { EndDateRateDto } from './dto/end-date-rate.dto';
import {
  CreateMileageRateDto,
  ListMileageRatesQuery,
  MileageRateListDto,
  MileageRateResponseDto,
} from './dto/mileage-rate.dto';
import { MileageRatesService } from './mileage-rates.service';
import { RatesErrors } from './rates.errors';

const NOT_FOUND = [
  RatesErrors.MILEAGE_RATE_NOT_FOUND,
  'Mileage rate 3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 does not exist',
] as const;

@ApiTags('Mileage rates')
@Controller('organization/mileage-rates')
export class MileageRatesController {
  constructor(private readonly rates: MileageRatesService) {}

  @Get()
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({
    summary: 'List mileage rates',
    description:
      'Every member of the organization reads the rates (employees see what a trip will pay). Ordered by vehicle type, unit and start date; `on` keeps the rates in force that day.',
  })
  @ApiOkResponse({ type: MileageRateListDto })
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListMileageRatesQuery): Promise<MileageRateListDto> {
    return this.rates.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a mileage rate',
    description:
      'Admins only. A range that meets another rate of the same vehicle type and unit is 409: end the old rate (PATCH its valid_to) first.',
  })
  @ApiCreatedResponse({ type: MileageRateResponseDto })
  @ApiValidation()
  @ApiProblems([
    RatesErrors.MILEAGE_RATE_OVERLAP,
    'The car/km rate 3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 already applies from 2026-01-01 to further notice',
  ])
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMileageRateDto): Promise<MileageRateResponseDto> {
    return this.rates.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ accountant: true, scope: 'spends:read' })
  @ApiOperation({ summary: 'Get a mileage rate', description: 'Any member of the organization.' })
  @ApiOkResponse({ type: MileageRateResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<MileageRateResponseDto> {
    return this.rates.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'End-date a mileage rate',
    description:
      'Admins only. Sets valid_to and nothing else: the rate stays as spends were priced from it. A new rate is a new row from the next day.',
  })
  @ApiOkResponse({ type: MileageRateResponseDto })
  @ApiInvalidId()
  @ApiValidation()
  @ApiProblems(NOT_FOUND, [
    RatesErrors.MILEAGE_RATE_OVERLAP,
    'The car/km rate 3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 already applies from 2026-07-01 to further notice',
  ])
  endDate(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: EndDateRateDto,
  ): Promise<MileageRateResponseDto> {
    return this.rates.endDate(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Delete a mileage rate',
    description: 'Admins only. Spends already computed from the rate keep their amount and breakdown.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.rates.remove(actor, id);
    return { message: 'Deleted successfully' };
  }
}
