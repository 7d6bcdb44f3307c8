import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsInt,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode } from '../../common/money/money.validators';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const MAX_MINOR = 10_000_000;

const MEAL_DEDUCTIONS_EXAMPLE = { breakfast_percent: 20, lunch_percent: 40, dinner_percent: 40 };

/** What each meal provided takes off a day: a percent (0 to 100) of the rate's full-day amount. */
export class MealDeductionsDto {
  @ApiProperty({ example: 20, minimum: 0, maximum: 100, description: 'Percent of full_day_minor (0 when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  breakfast_percent: number;

  @ApiProperty({ example: 40, minimum: 0, maximum: 100, description: 'Percent of full_day_minor (0 when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  lunch_percent: number;

  @ApiProperty({ example: 40, minimum: 0, maximum: 100, description: 'Percent of full_day_minor (0 when omitted)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  dinner_percent: number;
}

export class PerDiemRateResponseDto {
  @ApiProperty({ format: 'uuid', example: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) id: string;
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code' }) country: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Berlin',
    description: "A city's own rate, which wins over the country's; null is the country's rate",
  })
  city: string | null;
  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' }) currency: string;
  @ApiProperty({ example: 2800, description: 'Minor units paid for a full day away (28.00 EUR)' })
  full_day_minor: number;
  @ApiProperty({
    example: 1400,
    description: 'Minor units paid for a travel day: the first and last day of a trip, and a one-day trip',
  })
  partial_day_minor: number;
  @ApiProperty({ type: () => MealDeductionsDto, example: MEAL_DEDUCTIONS_EXAMPLE })
  meal_deductions: MealDeductionsDto;
  @ApiProperty({ format: 'date', example: '2026-01-01', description: 'First day the rate applies' })
  valid_from: string;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    example: '2026-12-31',
    description: 'Last day the rate applies (inclusive); null = until further notice',
  })
  valid_to: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z', description: 'Last end-dating' })
  updated_at: string;
}

export class PerDiemRateListDto {
  @ApiProperty({ type: [PerDiemRateResponseDto], example: [] }) items: PerDiemRateResponseDto[];
}

export class CreatePerDiemRateDto {
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code (case-insensitive)' })
  @Transform(upper)
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code such as DE' })
  country: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Berlin',
    maxLength: 100,
    description: "Omit or null for the country's rate. A city's rate wins over the country's on the days both apply",
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  city?: string | null;

  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' })
  @IsCurrencyCode()
  currency: string;

  @ApiProperty({ example: 2800, minimum: 1, maximum: MAX_MINOR, description: 'Minor units for a full day away' })
  @IsInt()
  @Min(1)
  @Max(MAX_MINOR)
  full_day_minor: number;

  @ApiProperty({
    example: 1400,
    minimum: 1,
    maximum: MAX_MINOR,
    description: 'Minor units for a travel day (first and last day, one-day trip); not above full_day_minor',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MINOR)
  partial_day_minor: number;

  @ApiPropertyOptional({
    type: () => MealDeductionsDto,
    example: MEAL_DEDUCTIONS_EXAMPLE,
    description: 'What a meal provided takes off a day, as a percent of full_day_minor; each 0 when omitted',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MealDeductionsDto)
  meal_deductions?: MealDeductionsDto;

  @ApiProperty({ format: 'date', example: '2026-01-01' })
  @IsCalendarDate()
  valid_from: string;

  @ApiPropertyOptional({
    format: 'date',
    nullable: true,
    type: String,
    example: '2026-12-31',
    description: 'Inclusive; omit or null for an open-ended rate. Not before valid_from.',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsCalendarDate()
  valid_to?: string | null;
}

export class ListPerDiemRatesQuery {
  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code' })
  @IsOptional()
  @Transform(upper)
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code such as DE' })
  country?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-02', description: 'Only the rates in force on this day' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}
