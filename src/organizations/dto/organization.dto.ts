import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsTimeZone, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsCurrencyCode } from '../../common/money/money.validators';

export class OrganizationSettingsDto {
  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description: 'IANA time zone for calendar questions such as "this month"',
  })
  @IsOptional()
  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Berlin' })
  timezone?: string;

  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: 12, description: 'First month of the fiscal year' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  fiscal_year_start_month?: number;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description:
      "Whether the identity provider's events (POST /events/webhook/{organization_id}) may make a user an active admin: create one, promote one, or reactivate one. Off unless set to true; the provider manages every other role either way.",
  })
  @IsOptional()
  @IsBoolean()
  identity_provider_grants_admin?: boolean;

  @ApiPropertyOptional({
    example: true,
    default: false,
    description:
      'Whether every user of the organization must use a second factor (TOTP). A user without one is answered 403 MFA_ENROLMENT_REQUIRED everywhere but GET /users/me, POST /users/me/password and the enrolment routes under /users/me/mfa until they enrol and confirm.',
  })
  @IsOptional()
  @IsBoolean()
  require_mfa?: boolean;
}

export class OrganizationResponseDto {
  @ApiProperty({ format: 'uuid', example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: 'Acme Inc.' }) name: string;
  @ApiProperty({ example: 'USD', description: 'ISO-4217 code every spend is converted into' }) base_currency: string;
  @ApiProperty({ type: OrganizationSettingsDto, example: { timezone: 'Europe/Berlin', fiscal_year_start_month: 4 } })
  settings: OrganizationSettingsDto;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Acme Inc.', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO-4217 code' })
  @IsOptional()
  @IsCurrencyCode()
  base_currency?: string;

  @ApiPropertyOptional({
    type: OrganizationSettingsDto,
    example: { timezone: 'Europe/Berlin', fiscal_year_start_month: 4 },
    description: 'Merged into the current settings; send null for a key to reset it',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrganizationSettingsDto)
  settings?: OrganizationSettingsDto;
}
