import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length, Matches, ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const BANK_ACCOUNT_KINDS = ['iban', 'us_ach'] as const;
export const ACH_ACCOUNT_TYPES = ['checking', 'savings'] as const;
type Kind = (typeof BANK_ACCOUNT_KINDS)[number];

/** Validated when the body is of this kind or carries the field anyway: a field of the other kind is refused, never ignored. */
const forKind = (kind: Kind) => (o: PutBankAccountDto, value: unknown) => o.kind === kind || value !== undefined;

/** A field of one kind only: sent with the other kind it is a 422, not silently dropped. */
function OnlyForKind(kind: Kind): PropertyDecorator {
  return ValidateBy({
    name: 'onlyForKind',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value === undefined || (args?.object as PutBankAccountDto).kind === kind,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} belongs to kind ${kind} only`,
    },
  });
}

/**
 * A payee's bank account: `iban` (IBAN and BIC, SEPA payouts in EUR) or `us_ach` (ABA routing
 * and account number, NACHA payouts in USD). The checksums are checked by the service.
 */
export class PutBankAccountDto {
  @ApiProperty({ enum: BANK_ACCOUNT_KINDS, example: 'iban', description: 'Which numbers follow' })
  @IsIn(BANK_ACCOUNT_KINDS)
  kind: (typeof BANK_ACCOUNT_KINDS)[number];

  @ApiProperty({ example: 'Erika Mustermann', minLength: 1, maxLength: 70, description: 'The account holder' })
  @Transform(trim)
  @IsString()
  @Length(1, 70)
  @Matches(/^\P{Cc}+$/u, { message: 'holder_name must not contain control characters' })
  holder_name: string;

  @ApiPropertyOptional({
    example: 'DE89 3704 0044 0532 0130 00',
    description: 'kind iban: the IBAN, spaces allowed (mod-97 check digits and the country length are checked)',
  })
  @ValidateIf(forKind('iban'))
  @OnlyForKind('iban')
  @IsString()
  @Length(5, 42)
  iban?: string;

  @ApiPropertyOptional({
    example: 'COBADEFFXXX',
    description: 'kind iban: the bank identifier code, 8 or 11 characters',
  })
  @ValidateIf(forKind('iban'))
  @OnlyForKind('iban')
  @IsString()
  @Length(8, 11)
  bic?: string;

  @ApiPropertyOptional({
    example: '011000015',
    description: 'kind us_ach: the 9-digit ABA routing number (checksum checked)',
  })
  @ValidateIf(forKind('us_ach'))
  @OnlyForKind('us_ach')
  @IsString()
  @Length(9, 9)
  routing_number?: string;

  @ApiPropertyOptional({ example: '123456789', description: 'kind us_ach: the account number, 4 to 17 digits' })
  @ValidateIf(forKind('us_ach'))
  @OnlyForKind('us_ach')
  @IsString()
  @Length(4, 17)
  account_number?: string;

  @ApiPropertyOptional({
    enum: ACH_ACCOUNT_TYPES,
    example: 'checking',
    description: 'kind us_ach: checking or savings',
  })
  @ValidateIf(forKind('us_ach'))
  @OnlyForKind('us_ach')
  @IsIn(ACH_ACCOUNT_TYPES)
  account_type?: (typeof ACH_ACCOUNT_TYPES)[number];
}

/** A bank account as answered: masked, never the whole number. */
export class BankAccountResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b', description: 'Whose account' })
  user_id: string;

  @ApiProperty({ enum: BANK_ACCOUNT_KINDS, example: 'iban' })
  kind: (typeof BANK_ACCOUNT_KINDS)[number];

  @ApiProperty({ example: 'Erika Mustermann' })
  holder_name: string;

  @ApiProperty({
    example: 'DE89 **** **** **** **30 00',
    description:
      'The IBAN or account number, masked: country, check digits and the last four, or `****` and the last four',
  })
  account_masked: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'COBADEFFXXX',
    description: 'kind iban: the BIC; null for us_ach',
  })
  bic: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'kind us_ach: the routing number (not secret); null for iban',
  })
  routing_number: string | null;

  @ApiProperty({
    nullable: true,
    enum: ACH_ACCOUNT_TYPES,
    example: 'checking',
    description: 'kind us_ach: checking or savings; null for iban',
  })
  account_type: (typeof ACH_ACCOUNT_TYPES)[number] | null;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:30:00.000Z' })
  updated_at: string;
}
