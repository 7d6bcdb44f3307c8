import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsNewPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../common/auth/password.validators';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'jane@acme.test' })
  @IsString()
  @Length(3, 254)
  email: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
    description:
      'Only the account in this organization. Without it, every account with this e-mail gets a message of its own, naming its organization',
  })
  @IsOptional()
  @IsUUID('all')
  organization_id?: string;
}

export class PasswordResetAcceptedDto {
  @ApiProperty({
    example: 'If an account with this e-mail exists, a message with a reset link is on its way',
    description: 'The same answer whether or not the e-mail names an account',
  })
  message: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({
    example: '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6.Hq2Lw9Xc4Vb7Nm1Zs8Kd3Pf6Tg0Yj5Ra2Ue4Io7Op1A',
    description: 'The token of the e-mail',
  })
  @IsString()
  @MaxLength(200)
  token: string;

  @ApiProperty({
    example: 'a-passphrase-of-my-own',
    format: 'password',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, as for any password`,
  })
  @IsNewPassword()
  new_password: string;
}
