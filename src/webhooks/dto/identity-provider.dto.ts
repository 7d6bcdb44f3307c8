import { ApiProperty } from '@nestjs/swagger';
import { OidcSettingsResponseDto } from '../../identity/dto/oidc-settings.dto';

export class IdentityProviderResponseDto {
  @ApiProperty({
    example: '/api/v1/events/webhook/9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
    description: "Where the provider POSTs its events (after the server's address)",
  })
  endpoint: string;

  @ApiProperty({
    example: true,
    description: 'Whether a signing secret is set; without one every event is refused (401)',
  })
  secret_configured: boolean;

  @ApiProperty({
    example: '…Xk8=',
    nullable: true,
    type: String,
    description: "The secret's last four characters, to tell secrets apart",
  })
  secret_hint: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-03-01T12:00:00.000Z',
    description: 'When the secret in force was made',
  })
  secret_rotated_at: string | null;

  @ApiProperty({
    example: false,
    description:
      'The organization setting identity_provider_grants_admin (PATCH /organization): whether events may make someone an active admin',
  })
  grants_admin: boolean;

  @ApiProperty({
    type: OidcSettingsResponseDto,
    nullable: true,
    description:
      "The organization's OpenID provider, whose tokens are accepted as bearer tokens (PUT and DELETE /organization/identity-provider; docs/integrations-oidc.md); null when none is configured",
  })
  openid_connect: OidcSettingsResponseDto | null;
}

export class IdentityProviderSecretDto extends IdentityProviderResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5Fx1f3Gx9Qg=',
    description:
      'The Standard Webhooks signing secret (`whsec_` + base64 of 32 random bytes), shown only in this answer: give it to the identity provider now. It replaces any previous secret at once.',
  })
  secret: string;
}
