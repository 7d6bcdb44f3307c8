import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { AcceptsContentType } from '../common/http/content-type.interceptor';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import {
  ExchangeRateResponseDto,
  ImportResultDto,
  ListExchangeRatesQuery,
  SetExchangeRateDto,
} from './dto/exchange-rate.dto';
import { ExchangeRateErrors } from './exchange-rates.errors';
import { ExchangeRatesService } from './exchange-rates.service';

@ApiTags('Exchange rates')
@Controller('exchange-rates')
export class ExchangeRatesController {
  constructor(private readonly rates: ExchangeRatesService) {}

  @Get()
  @Authenticated({ accountant: true })
  @ApiOperation({ summary: 'List exchange rates into the base currency', description: 'Newest date first.' })
  @ApiPageResponse(ExchangeRateResponseDto, 'A page of rates')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListExchangeRatesQuery): Promise<Page<ExchangeRateResponseDto>> {
    return this.rates.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Set the rate of a currency on a day',
    description:
      'Replaces an earlier value for the same currency and day. A spend uses the latest rate on or before its date, at most 7 days older.',
  })
  @ApiCreatedResponse({ type: ExchangeRateResponseDto })
  @ApiValidation()
  @ApiProblems([ExchangeRateErrors.SAME_AS_BASE_CURRENCY, 'USD is the base currency; its rate is always 1'])
  set(@CurrentActor() actor: Actor, @Body() dto: SetExchangeRateDto): Promise<ExchangeRateResponseDto> {
    return this.rates.set(actor, dto);
  }

  @Post('import')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @AcceptsContentType('text/csv')
  @ApiConsumes('text/csv')
  @ApiBody({
    description: 'CSV with the header `date,currency,rate`',
    schema: { type: 'string', example: 'date,currency,rate\n2026-03-02,EUR,1.0823\n2026-03-02,JPY,0.0066\n' },
  })
  @ApiOperation({
    summary: 'Import rates from CSV',
    description: 'All or nothing: any bad line refuses the file, each problem named by line.',
  })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiProblems([ExchangeRateErrors.INVALID_RATES_CSV, '2 problems in the file; nothing was imported'])
  import(@CurrentActor() actor: Actor, @Body() csv: string): Promise<ImportResultDto> {
    return this.rates.importCsv(actor, typeof csv === 'string' ? csv : '');
  }
}
