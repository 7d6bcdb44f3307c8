import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsNewPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../common/auth/password.validators';

/** A `new_password` field: the password rule, documented the same wherever a user sets their own. */
export const NewPasswordProperty = () =>
  applyDecorators(
    ApiProperty({
      example: 'a-passphrase-of-my-own',
      format: 'password',
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, as for any password`,
    }),
    IsNewPassword(),
  );

export class LoginDto {
  @ApiProperty({ example: 'admin@acme.test' })
  @IsString()
  @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'correct-horse-battery-staple', format: 'password' })
  @IsString()
  @Length(1, 256)
  password: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
    description:
      'The organization to log in to. Needed only by someone whose e-mail and password open accounts in several organizations (409 ORGANIZATION_REQUIRED lists them)',
  })
  @IsOptional()
  @IsUUID('all')
  organization_id?: string;
}

export class ChangePasswordDto {
  @ApiProperty({
    example: 'the-password-printed-at-first-start',
    format: 'password',
    description: 'The password the caller logs in with now',
  })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  current_password: string;

  @NewPasswordProperty()
  new_password: string;
}

export class RefreshTokenDto {
  @ApiProperty({ example: '8b0f6a52-0d8e-4c5e-9a4b-2f1e3d4c5b6a.q9Xw3lW0m2dA7f0cZ1hY8rT5uK4nJ6bV2eP3sL9gM1o' })
  @IsString()
  @MaxLength(200)
  refresh_token: string;
}

export class TokenResponseDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjhlIn0.sig',
    description: 'JWT; send as `Authorization: Bearer <access_token>`',
  })
  access_token: string;

  @ApiProperty({
    example: '8b0f6a52-0d8e-4c5e-9a4b-2f1e3d4c5b6a.q9Xw3lW0m2dA7f0cZ1hY8rT5uK4nJ6bV2eP3sL9gM1o',
    description: 'Single use: each refresh answers a new one',
  })
  refresh_token: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  token_type: 'Bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires' })
  expires_in: number;

  @ApiProperty({
    example: false,
    description:
      'An admin requires a new password: until POST /users/me/password changes it, every other route but GET /users/me answers 403 PASSWORD_CHANGE_REQUIRED',
  })
  password_change_required: boolean;
}
