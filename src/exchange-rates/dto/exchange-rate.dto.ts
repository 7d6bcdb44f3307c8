import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode, IsRate } from '../../common/money/money.validators';
import { CursorPageQueryDto } from '../../common/pagination/page-query.dto';

export class ExchangeRateResponseDto {
  @ApiProperty({ format: 'uuid', example: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }) id: string;
  @ApiProperty({ example: 'EUR', description: 'The foreign currency' }) currency: string;
  @ApiProperty({ example: 'USD', description: "The organization's base currency" }) base_currency: string;
  @ApiProperty({ example: '1.0823', description: 'Units of base_currency for one unit of currency' }) rate: string;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) date: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T08:00:00.000Z' }) updated_at: string;
}

export class SetExchangeRateDto {
  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code of the foreign currency' })
  @IsCurrencyCode()
  currency: string;

  @ApiProperty({
    example: '1.0823',
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Units of the base currency for one unit of currency; a string keeps every digit',
  })
  @IsRate()
  rate: string | number;

  @ApiProperty({ format: 'date', example: '2026-03-02' })
  @IsCalendarDate()
  date: string;
}

export class ListExchangeRatesQuery extends CursorPageQueryDto {
  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-01', description: 'From this date, inclusive' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-31', description: 'Up to this date, inclusive' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class ImportResultDto {
  @ApiProperty({ example: 31, description: 'Rates created or replaced' }) imported: number;
}
