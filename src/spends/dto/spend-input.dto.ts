import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.validators';
import { IsCurrencyCode, IsMoneyAmount } from '../../common/money/money.validators';
import { SPEND_SOURCES, SpendSource } from '../spend.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const nullable = (_: object, value: unknown) => value !== null && value !== undefined;

export class CreateSpendDto {
  @ApiProperty({
    example: '123.45',
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Decimal with at most the currency\'s minor digits ("1200" for JPY); a string keeps every digit',
  })
  @IsMoneyAmount('currency')
  amount: string | number;

  @ApiProperty({ example: 'EUR', description: 'ISO-4217 code' })
  @IsCurrencyCode()
  currency: string;

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
