import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const NO_CONTROLS = /^\P{Cc}+$/u;

/** The debtor of SEPA transfers: the organization's own account, debited by the pain.001 file. */
export class SepaSettingsDto {
  @ApiProperty({ example: 'Acme GmbH', minLength: 1, maxLength: 70, description: 'Debtor name on the transfers' })
  @Transform(trim)
  @IsString()
  @Length(1, 70)
  @Matches(NO_CONTROLS, { message: 'debtor_name must not contain control characters' })
  debtor_name: string;

  @ApiProperty({ example: 'DE02 1203 0000 0000 2020 51', description: "The organization's IBAN (mod-97 checked)" })
  @IsString()
  @Length(5, 42)
  iban: string;

  @ApiProperty({ example: 'BYLADEM1001', description: "The organization's bank's BIC, 8 or 11 characters" })
  @IsString()
  @Length(8, 11)
  bic: string;
}

/** The originator of NACHA entries, as the organization's ODFI set it up. */
export class NachaSettingsDto {
  @ApiProperty({
    example: '021000021',
    description: 'Immediate destination: the receiving point, 9-digit routing number',
  })
  @IsString()
  @Matches(/^\d{9}$/, { message: 'immediate_destination must be 9 digits' })
  immediate_destination: string;

  @ApiProperty({ example: 'JPMORGAN CHASE', maxLength: 23, description: 'Immediate destination name' })
  @Transform(trim)
  @IsString()
  @Length(1, 23)
  @Matches(NO_CONTROLS, { message: 'immediate_destination_name must not contain control characters' })
  immediate_destination_name: string;

  @ApiProperty({ example: '1234567890', description: 'Immediate origin: 10 digits (often 1 and the EIN) or 9' })
  @IsString()
  @Matches(/^\d{9,10}$/, { message: 'immediate_origin must be 9 or 10 digits' })
  immediate_origin: string;

  @ApiProperty({ example: 'ACME INC', maxLength: 23, description: 'Immediate origin name' })
  @Transform(trim)
  @IsString()
  @Length(1, 23)
  @Matches(NO_CONTROLS, { message: 'immediate_origin_name must not contain control characters' })
  immediate_origin_name: string;

  @ApiProperty({ example: 'ACME INC', maxLength: 16, description: 'Company name on payee statements' })
  @Transform(trim)
  @IsString()
  @Length(1, 16)
  @Matches(NO_CONTROLS, { message: 'company_name must not contain control characters' })
  company_name: string;

  @ApiProperty({ example: '1234567890', description: 'Company identification the ODFI assigned, 10 characters' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{10}$/, { message: 'company_id must be 10 letters or digits' })
  company_id: string;

  @ApiProperty({ example: '021000021', description: "The ODFI's routing number (ABA checksum checked)" })
  @IsString()
  @Matches(/^\d{9}$/, { message: 'odfi_routing must be 9 digits' })
  odfi_routing: string;
}

/** Replaces the organization's payout settings: a rail left out (or null) is not configured. */
export class PutPayoutSettingsDto {
  @ApiPropertyOptional({
    type: SepaSettingsDto,
    nullable: true,
    example: { debtor_name: 'Acme GmbH', iban: 'DE02 1203 0000 0000 2020 51', bic: 'BYLADEM1001' },
    description: 'For EUR batches (pain.001); null or absent: none',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SepaSettingsDto)
  sepa?: SepaSettingsDto | null;

  @ApiPropertyOptional({
    type: NachaSettingsDto,
    nullable: true,
    example: {
      immediate_destination: '021000021',
      immediate_destination_name: 'JPMORGAN CHASE',
      immediate_origin: '1234567890',
      immediate_origin_name: 'ACME INC',
      company_name: 'ACME INC',
      company_id: '1234567890',
      odfi_routing: '021000021',
    },
    description: 'For USD batches (NACHA PPD); null or absent: none',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NachaSettingsDto)
  nacha?: NachaSettingsDto | null;
}

export class PayoutSettingsResponseDto {
  @ApiProperty({
    type: SepaSettingsDto,
    nullable: true,
    example: { debtor_name: 'Acme GmbH', iban: 'DE02120300000000202051', bic: 'BYLADEM1001' },
    description: 'The SEPA debtor (the IBAN without spaces); null: EUR batches cannot be exported',
  })
  sepa: SepaSettingsDto | null;

  @ApiProperty({
    type: NachaSettingsDto,
    nullable: true,
    example: {
      immediate_destination: '021000021',
      immediate_destination_name: 'JPMORGAN CHASE',
      immediate_origin: '1234567890',
      immediate_origin_name: 'ACME INC',
      company_name: 'ACME INC',
      company_id: '1234567890',
      odfi_routing: '021000021',
    },
    description: 'The NACHA originator; null: USD batches cannot be exported',
  })
  nacha: NachaSettingsDto | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-12-02T09:30:00.000Z',
    description: 'Last change; null if never set',
  })
  updated_at: string | null;
}
