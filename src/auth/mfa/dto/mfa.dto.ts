import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

export class MfaCodeDto {
  @ApiProperty({
    example: '492039',
    description: 'The 6-digit code the authenticator app shows now, or (where accepted) an unused recovery code',
    minLength: 6,
    maxLength: 32,
  })
  @IsString()
  @Length(6, 32)
  code: string;
}

export class MfaLoginDto extends MfaCodeDto {
  @ApiProperty({
    example: '2f0d8a61-5b7e-4a43-9c1d-6e2f3a4b5c6d.Zr8xW1qLm3Nf9Tb2Yc7Vk0Hs5Jd4Pg6Ua1Ow8Ei3Rt2',
    description: 'What POST /auth/login answered; works for 5 minutes, once',
  })
  @IsString()
  @MaxLength(200)
  mfa_token: string;
}

export class MfaChallengeResponseDto {
  @ApiProperty({ example: true, enum: [true], description: 'The password was right; a second factor is needed' })
  mfa_required: true;

  @ApiProperty({
    example: '2f0d8a61-5b7e-4a43-9c1d-6e2f3a4b5c6d.Zr8xW1qLm3Nf9Tb2Yc7Vk0Hs5Jd4Pg6Ua1Ow8Ei3Rt2',
    description: 'Send to POST /auth/mfa with the code. Not a bearer token: every other route refuses it',
  })
  mfa_token: string;

  @ApiProperty({ example: 300, description: 'Seconds the mfa_token works' })
  expires_in: number;
}

export class MfaEnrolmentResponseDto {
  @ApiProperty({
    example:
      'otpauth://totp/Spendin%20(Acme%20Inc.):jane%40acme.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Spendin%20(Acme%20Inc.)',
    description:
      'Show as a QR code for the authenticator app to scan (SHA-1, 6 digits, 30 seconds: the defaults every app assumes)',
  })
  otpauth_uri: string;

  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'The same secret in base32, for typing into an app by hand; shown this once',
  })
  secret: string;

  @ApiProperty({ example: 'Spendin (Acme Inc.)' }) issuer: string;
  @ApiProperty({ example: 'jane@acme.test' }) account_name: string;
  @ApiProperty({ example: 'SHA1', enum: ['SHA1'] }) algorithm: 'SHA1';
  @ApiProperty({ example: 6 }) digits: number;
  @ApiProperty({ example: 30, description: 'Seconds per code' }) period: number;
}

export class MfaRecoveryCodesResponseDto {
  @ApiProperty({
    type: [String],
    example: ['K7PQ2-XM4TB', 'R9WZ3-H2CDN', 'V5JY8-LQ6FE'],
    description:
      'Ten single-use codes, each accepted once instead of a TOTP code (at POST /auth/mfa and to disable). Shown this once; only digests are kept',
  })
  recovery_codes: string[];
}

export class MfaStatusResponseDto {
  @ApiProperty({ example: true, description: 'A confirmed second factor is in force: login asks for a code' })
  enabled: boolean;

  @ApiProperty({ example: false, description: 'An enrolment waits for its confirmation' })
  pending: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-03-01T12:00:00.000Z' })
  confirmed_at: string | null;

  @ApiProperty({ example: 9 }) recovery_codes_left: number;

  @ApiProperty({ example: false, description: "The organization's settings require a second factor (require_mfa)" })
  required_by_organization: boolean;
}
