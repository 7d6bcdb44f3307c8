import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsNewPassword } from '../../common/auth/password.validators';
import { IsCurrencyCode } from '../../common/money/money.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class OperatorLoginDto {
  @ApiProperty({ example: 'ops@spendin.example' })
  @IsString()
  @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'a-long-operator-passphrase', format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;
}

export class OperatorTokenDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzcGVuZGluOm9wZXJhdG9yIn0.sig',
    description: 'Send as `Authorization: Bearer <access_token>` to the /operator routes; refused everywhere else',
  })
  access_token: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the token expires; there is no refresh token' })
  expires_in: number;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Inc.', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'USD', description: 'ISO-4217 code every spend is converted into' })
  @IsCurrencyCode()
  base_currency: string;

  @ApiProperty({ format: 'email', example: 'admin@acme.test', description: "The first admin's e-mail" })
  @Transform(trim)
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ example: 'Ada Admin', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  full_name?: string;

  @ApiPropertyOptional({
    example: 'correct-horse-battery-staple',
    format: 'password',
    description:
      "The first admin's password. Without one, a password is generated, answered once in `admin_password`, and the admin must replace it at first login",
  })
  @IsOptional()
  @IsNewPassword()
  password?: string;
}

export class SuspendOrganizationDto {
  @ApiPropertyOptional({
    example: 'Invoice 2026-03 unpaid',
    maxLength: 500,
    description:
      "Why: kept with the organization, listed by GET /operator/organizations and written to the organization's audit log",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class OperatorOrganizationDto {
  @ApiProperty({ format: 'uuid', example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: 'Acme Inc.' }) name: string;
  @ApiProperty({ example: 'USD' }) base_currency: string;
  @ApiProperty({ enum: ['active', 'suspended'], example: 'active' }) status: 'active' | 'suspended';
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  suspended_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) suspension_reason: string | null;
  @ApiProperty({ example: 12, description: 'Users of the organization, active or not' }) user_count: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
}

export class OperatorOrganizationListDto {
  @ApiProperty({ type: OperatorOrganizationDto, isArray: true }) items: OperatorOrganizationDto[];
}

export class CreatedAdminDto {
  @ApiProperty({ format: 'uuid', example: '0b8e7a6c-1d2e-4f3a-9b8c-7d6e5f4a3b2c' }) id: string;
  @ApiProperty({ example: 'admin@acme.test' }) email: string;
  @ApiProperty({ example: false, description: 'Whether the admin must choose a new password at first login' })
  must_change_password: boolean;
}

export class CreatedOrganizationDto extends OperatorOrganizationDto {
  @ApiProperty({ type: CreatedAdminDto }) admin: CreatedAdminDto;
  @ApiPropertyOptional({
    example: 'q9Xw3lW0m2dA7f0cZ1hY8rT5',
    description: 'Only when no password was sent: the generated one, answered this once and stored nowhere readable',
  })
  admin_password?: string;
}
