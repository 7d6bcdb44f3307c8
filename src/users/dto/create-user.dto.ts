import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsNewPassword } from '../../common/auth/password.validators';
import { Role, ROLES } from '../../common/auth/roles';

/** The roles, for the OpenAPI document of every field that takes one. */
export const ROLE_DESCRIPTION =
  'employee < manager < finance < admin, each doing what the one below may and more; accountant beside them: ' +
  'reads every spend, receipt, report, export and the audit log, manages categories and vendors, never approves or pays';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty({
    format: 'email',
    example: 'jane.doe@acme.test',
    description: 'Unique within the organization; stored lower-cased',
  })
  @Transform(trim)
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Jane Doe', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  full_name: string;

  @ApiProperty({ enum: ROLES, example: 'employee', description: ROLE_DESCRIPTION })
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    example: 'correct-horse-battery-staple',
    minLength: 12,
    maxLength: 256,
    description:
      "Without one the user cannot log in until it is set. Not a common password, and not containing the e-mail's part before @",
  })
  @IsOptional()
  @IsNewPassword()
  password?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
  })
  @IsOptional()
  @IsUUID('all')
  manager_id?: string | null;

  @ApiPropertyOptional({
    example: true,
    default: false,
    description:
      'Require the user to choose their own password at first login (for a password handed over by the admin)',
  })
  @IsOptional()
  @IsBoolean()
  must_change_password?: boolean;
}
