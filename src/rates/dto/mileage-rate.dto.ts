import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode } from '../../common/money/money.validators';
import { DISTANCE_UNITS, DistanceUnit, VEHICLE_TYPES, VehicleType } from '../mileage-rate';

export class MileageRateResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }) id: string;
  @ApiProperty({ enum: VEHICLE_TYPES, example: 'car' }) vehicle_type: VehicleType;
  @ApiProperty({ enum: DISTANCE_UNITS, example: 'km' }) unit: DistanceUnit;
  @ApiProperty({
    example: 30000,
    description: 'Thousandths of a minor unit per unit of distance: 30000 is 0.30 EUR per km',
  })
  rate_milli_minor: number;
  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' }) currency: string;
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
}

export class MileageRateListDto {
  @ApiProperty({ type: [MileageRateResponseDto], example: [] }) items: MileageRateResponseDto[];
}

export class CreateMileageRateDto {
  @ApiProperty({ enum: VEHICLE_TYPES, example: 'car' })
  @IsIn(VEHICLE_TYPES)
  vehicle_type: VehicleType;

  @ApiProperty({ enum: DISTANCE_UNITS, example: 'km' })
  @IsIn(DISTANCE_UNITS)
  unit: DistanceUnit;

  @ApiProperty({
    example: 30000,
    minimum: 1,
    maximum: 100_000_000,
    description:
      'Thousandths of a minor unit per unit of distance: 30000 is 0.30 EUR per km, 65500 is 0.655 USD per mile',
  })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  rate_milli_minor: number;

  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' })
  @IsCurrencyCode()
  currency: string;

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

export class ListMileageRatesQuery {
  @ApiPropertyOptional({ enum: VEHICLE_TYPES, example: 'car' })
  @IsOptional()
  @IsIn(VEHICLE_TYPES)
  vehicle_type?: VehicleType;

  @ApiPropertyOptional({ enum: DISTANCE_UNITS, example: 'km' })
  @IsOptional()
  @IsIn(DISTANCE_UNITS)
  unit?: DistanceUnit;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-02', description: 'Only the rates in force on this day' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}
