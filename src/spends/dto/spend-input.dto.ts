import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
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
import { SPEND_SOURCES, SpendSource } from '../spend.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const nullable = (_: object, value: unknown) => value !== null && value !== undefined;

const typedByHand = (spend: { source?: string }) => spend.source !== 'mileage';

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

export class CreateSpendDto {
  @ApiProperty({
    example: '123.45',
    required: false,
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description:
      'Decimal with at most the currency\'s minor digits ("1200" for JPY); a string keeps every digit. Required, except with source mileage, where it is computed and sending it is 422 AMOUNT_IS_COMPUTED',
  })
  @ValidateIf(typedByHand)
  @IsMoneyAmount('currency')
  amount: string | number;

  @ApiProperty({
    example: 'EUR',
    required: false,
    description: "ISO-4217 code. Required, except with source mileage (the rate's currency)",
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

  @ApiProperty({ format: 'date', example: '2026-03-02' })
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
