import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { IsNewPassword } from '../../common/auth/password.validators';
import { Role, ROLES } from '../../common/auth/roles';
import { ROLE_DESCRIPTION } from './create-user.dto';

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Jane Q. Doe', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  full_name?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'accountant', description: ROLE_DESCRIPTION })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
    description: 'null removes the manager',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all')
  manager_id?: string | null;

  @ApiPropertyOptional({ example: true, description: 'false deactivates (as DELETE does), true reactivates' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    example: 'correct-horse-battery-staple',
    minLength: 12,
    maxLength: 256,
    description:
      "Sets a new password and signs the user out everywhere. Not a common password, and not containing the e-mail's part before @",
  })
  @IsOptional()
  @IsNewPassword()
  password?: string;

  @ApiPropertyOptional({
    example: true,
    description:
      'true: the user must choose a new password (POST /users/me/password) before anything else; false lifts that',
  })
  @IsOptional()
  @IsBoolean()
  must_change_password?: boolean;
}
