import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { Role, ROLES } from '../../common/auth/roles';

/** Asymmetric algorithms a provider may sign with; never `none`, never HS* (a shared secret). */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
export const DEFAULT_OIDC_ALGORITHMS = ['RS256', 'ES256', 'PS256'];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** An object of at most 100 provider values (1–200 characters), each mapped to a Spendin role. */
function IsRoleMapping(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRoleMapping',
      target: object.constructor,
      propertyName,
      options: { message: `must map provider role values to one of ${ROLES.join(', ')}`, ...options },
      validator: {
        validate: (value: unknown) =>
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 100 &&
          Object.entries(value).every(
            ([key, role]) => key.length >= 1 && key.length <= 200 && (ROLES as readonly unknown[]).includes(role),
          ),
      },
    });
}

export class OidcSettingsDto {
  @ApiProperty({
    example: 'https://acme.eu.auth0.com/',
    description:
      "The provider's issuer, exactly as its tokens' `iss` says it (a trailing slash included): https, its discovery document at `<issuer>/.well-known/openid-configuration`. Unique across the installation: a token's `iss` names the organization",
    maxLength: 500,
  })
  @Transform(trim)
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
    { message: 'must be an https URL' },
  )
  @Length(1, 500)
  issuer: string;

  @ApiProperty({
    example: 'https://spendin.acme.test/api',
    description: "The `aud` Spendin's tokens must carry (the API identifier, or the client id for ID tokens)",
    maxLength: 500,
  })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  audience: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://acme.test/roles',
    description:
      "The claim that carries the user's roles at the provider: a claim name (namespaced ones such as `https://acme.test/roles` included), else a dot-separated path (`realm_access.roles`). When set, the provider decides the role on every sign-in; when null, roles are managed in Spendin",
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  roles_claim?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...ROLES] },
    example: { 'spendin-admins': 'admin', 'finance-team': 'finance', 'team-leads': 'manager' },
    description: 'Provider role value → Spendin role; the highest role any value maps to wins. Default {}',
  })
  @IsOptional()
  @IsRoleMapping()
  role_mapping?: Record<string, Role>;

  @ApiPropertyOptional({
    enum: ROLES,
    example: 'employee',
    description:
      'The role when no value maps (and of users created just in time without a roles claim). Default employee',
  })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  default_role?: Role;

  @ApiPropertyOptional({
    example: false,
    description:
      'Whether a valid token for someone who is not a user yet creates the user (just in time, needs a verified e-mail); otherwise such a token is refused (401 OIDC_USER_UNKNOWN). Default false',
  })
  @IsOptional()
  @IsBoolean()
  create_users?: boolean;

  @ApiPropertyOptional({
    type: [String],
    enum: OIDC_ALGORITHMS,
    example: ['RS256'],
    description: `The signing algorithms accepted (never none or HS*). Default ${DEFAULT_OIDC_ALGORITHMS.join(', ')}`,
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(OIDC_ALGORITHMS.length)
  @ArrayUnique()
  @IsIn(OIDC_ALGORITHMS, { each: true, message: `each must be one of ${OIDC_ALGORITHMS.join(', ')}` })
  algorithms?: string[];
}

export class OidcSettingsResponseDto {
  @ApiProperty({ example: 'https://acme.eu.auth0.com/' })
  issuer: string;

  @ApiProperty({ example: 'https://spendin.acme.test/api' })
  audience: string;

  @ApiProperty({ type: String, nullable: true, example: 'https://acme.test/roles' })
  roles_claim: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...ROLES] },
    example: { 'spendin-admins': 'admin', 'finance-team': 'finance' },
  })
  role_mapping: Record<string, Role>;

  @ApiProperty({ enum: ROLES, example: 'employee' })
  default_role: Role;

  @ApiProperty({ example: false })
  create_users: boolean;

  @ApiProperty({ type: [String], enum: OIDC_ALGORITHMS, example: ['RS256', 'ES256', 'PS256'] })
  algorithms: string[];

  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' })
  updated_at: string;
}
