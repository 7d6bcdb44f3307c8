import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsISO31661Alpha2,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode, IsMoneyAmount } from '../../common/money/money.validators';
import { DISTANCE_UNITS, DistanceUnit, VEHICLE_TYPES, VehicleType } from '../../rates/mileage-rate';
import { Meal, MEALS } from '../../rates/per-diem-rate';
import { isComputedSource, SPEND_SOURCES, SpendSource } from '../spend.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const nullable = (_: object, value: unknown) => value !== null && value !== undefined;

const typedByHand = (spend: { source?: string }) => !isComputedSource(spend.source);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** A trip priced from the organization's mileage rate in force on spend_date. */
export class MileageInputDto {
  @ApiProperty({ enum: VEHICLE_TYPES, example: 'car' })
  @IsIn(VEHICLE_TYPES, { message: `must be one of ${VEHICLE_TYPES.join(', ')}` })
  vehicle_type: VehicleType;

  @ApiProperty({ example: 182.5, minimum: 0.1, maximum: 100000, description: 'At most 2 decimals' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(100000)
  distance: number;

  @ApiProperty({ enum: DISTANCE_UNITS, example: 'km' })
  @IsIn(DISTANCE_UNITS, { message: `must be one of ${DISTANCE_UNITS.join(', ')}` })
  unit: DistanceUnit;
}

/** The meals provided (by a hotel, a host) on one day of a per diem trip. */
export class MealsProvidedDto {
  @ApiProperty({ format: 'date', example: '2026-03-03', description: 'A day of the trip' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ enum: MEALS, isArray: true, example: ['breakfast'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MEALS, { each: true, message: `each value must be one of ${MEALS.join(', ')}` })
  meals: Meal[];
}

/** A business trip priced from the organization's per diem rates in force on each of its days. */
export class PerDiemInputDto {
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2 country code of the destination' })
  @Transform(upper)
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code such as DE' })
  country: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Berlin',
    maxLength: 100,
    description: "The city, whose own rate wins over the country's on the days it applies",
  })
  @ValidateIf(nullable)
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  city?: string | null;

  @ApiProperty({ format: 'date', example: '2026-03-02', description: 'First day of the trip (a travel day)' })
  @IsCalendarDate()
  start_date: string;

  @ApiProperty({
    format: 'date',
    example: '2026-03-05',
    description: "Last day of the trip (a travel day), at most 92 days after the first; it is the spend's spend_date",
  })
  @IsCalendarDate()
  end_date: string;

  @ApiPropertyOptional({
    type: [MealsProvidedDto],
    example: [{ date: '2026-03-03', meals: ['breakfast'] }],
    description: 'Days on which meals were provided, each day listed once; each meal takes its percent off that day',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(92)
  @ValidateNested({ each: true })
  @Type(() => MealsProvidedDto)
  meals_provided?: MealsProvidedDto[];
}

export class CreateSpendDto {
  @ApiProperty({
    example: '123.45',
    required: false,
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description:
      'Decimal with at most the currency\'s minor digits ("1200" for JPY); a string keeps every digit. Required, except with source mileage or per_diem, where it is computed and sending it is 422 AMOUNT_IS_COMPUTED',
  })
  @ValidateIf(typedByHand)
  @IsMoneyAmount('currency')
  amount: string | number;

  @ApiProperty({
    example: 'EUR',
    required: false,
    description: "ISO-4217 code. Required, except with source mileage or per_diem (the rate's currency)",
  })
  @ValidateIf(typedByHand)
  @IsCurrencyCode()
  currency: string;

  @ApiPropertyOptional({
    type: MileageInputDto,
    example: { vehicle_type: 'car', distance: 182.5, unit: 'km' },
    description: 'Required with source mileage, refused otherwise',
  })
  @ValidateIf(
    (spend: { source?: string; mileage?: unknown }) => spend.source === 'mileage' || spend.mileage !== undefined,
  )
  @IsDefined({ message: 'is required with source mileage' })
  @ValidateNested()
  @Type(() => MileageInputDto)
  mileage?: MileageInputDto;

  @ApiPropertyOptional({
    type: PerDiemInputDto,
    example: {
      country: 'DE',
      city: 'Berlin',
      start_date: '2026-03-02',
      end_date: '2026-03-05',
      meals_provided: [{ date: '2026-03-03', meals: ['breakfast'] }],
    },
    description: 'Required with source per_diem, refused otherwise',
  })
  @ValidateIf(
    (spend: { source?: string; per_diem?: unknown }) => spend.source === 'per_diem' || spend.per_diem !== undefined,
  )
  @IsDefined({ message: 'is required with source per_diem' })
  @ValidateNested()
  @Type(() => PerDiemInputDto)
  per_diem?: PerDiemInputDto;

  @ApiProperty({
    format: 'date',
    example: '2026-03-02',
    required: false,
    description: "Required, except with source per_diem, where it is the trip's end_date (omit it, or send that day)",
  })
  @ValidateIf(
    (spend: { source?: string; spend_date?: unknown }) => spend.source !== 'per_diem' || spend.spend_date !== undefined,
  )
  @IsCalendarDate()
  spend_date: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  })
  @ValidateIf(nullable)
  @IsUUID('all')
  category_id?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f',
  })
  @ValidateIf(nullable)
  @IsUUID('all')
  vendor_id?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Lufthansa', maxLength: 200 })
  @ValidateIf(nullable)
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  merchant?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Flight FRA-BER for the customer workshop',
    maxLength: 2000,
  })
  @ValidateIf(nullable)
  @Transform(trim)
  @IsString()
  @Length(1, 2000)
  description?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  })
  @ValidateIf(nullable)
  @IsUUID('all')
  team_id?: string | null;

  @ApiPropertyOptional({ enum: SPEND_SOURCES, default: 'manual', example: 'manual' })
  @IsOptional()
  @IsIn(SPEND_SOURCES, { message: `must be one of ${SPEND_SOURCES.join(', ')}` })
  source?: SpendSource;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'true keeps it a draft; otherwise it is submitted at once',
  })
  @IsOptional()
  @IsBoolean()
  draft?: boolean;
}

/** Any of the create fields; `amount` and `currency` are checked together. */
export class UpdateSpendDto extends PartialType(OmitType(CreateSpendDto, ['draft'] as const)) {}

/** The accounting fields of a spend, recoded by finance, admin or the accountant in any status; `null` clears one. */
export class RecodeSpendDto extends PickType(CreateSpendDto, ['category_id', 'vendor_id'] as const) {}

export class SimulateSpendDto extends OmitType(CreateSpendDto, ['draft'] as const) {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    description: 'Whose spend it would be (their role, manager, teams); the caller by default',
  })
  @IsOptional()
  @IsUUID('all')
  user_id?: string;
}
