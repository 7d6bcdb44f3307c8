import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { NewPasswordProperty } from '../dto/auth.dto';

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

  @NewPasswordProperty()
  new_password: string;
}
