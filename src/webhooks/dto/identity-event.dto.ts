import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Role, ROLES } from '../../common/auth/roles';

export const IDENTITY_EVENT_TYPES = ['user.created', 'user.updated', 'user.deleted', 'role.assigned'] as const;
export type IdentityEventType = (typeof IDENTITY_EVENT_TYPES)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class IdentityUserData {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    description:
      'Optional: the endpoint names the organization. When given it must be that one (422 IDENTITY_EVENT_REJECTED otherwise)',
  })
  @IsOptional()
  @IsUUID('all')
  organization_id?: string;

  @ApiPropertyOptional({
    example: '00u1a2b3c4D5e6F7g8h9',
    maxLength: 255,
    description:
      "The provider's own id for the user (unique in the organization); once linked, it finds the user even after an e-mail change",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  external_id?: string;

  @ApiPropertyOptional({
    format: 'email',
    example: 'jane.doe@acme.test',
    description: 'Finds the user when no external_id is linked yet; with a linked external_id, a new e-mail changes it',
  })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'Jane Doe', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  full_name?: string;

  @ApiPropertyOptional({
    enum: ROLES,
    example: 'manager',
    description:
      'Required by role.assigned; user.created defaults to employee. admin only if the organization allows it (settings.identity_provider_grants_admin)',
  })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ example: true, description: 'user.updated only: false deactivates, true reactivates' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}

export class IdentityEventDto {
  @ApiProperty({
    example: 'evt_01HQ3Z8K9W',
    maxLength: 255,
    description:
      "The provider's event id, required. An id the organization's provider sent before is answered `duplicate` and not applied again, so a redelivered or replayed event changes nothing",
  })
  @IsString()
  @Length(1, 255)
  id: string;

  @ApiProperty({ enum: IDENTITY_EVENT_TYPES, example: 'user.created' })
  @IsIn(IDENTITY_EVENT_TYPES, { message: `must be one of ${IDENTITY_EVENT_TYPES.join(', ')}` })
  type: IdentityEventType;

  @ApiProperty({
    type: IdentityUserData,
    example: {
      external_id: '00u1a2b3c4D5e6F7g8h9',
      email: 'jane.doe@acme.test',
      full_name: 'Jane Doe',
      role: 'employee',
    },
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentityUserData)
  data: IdentityUserData;
}

export const IDENTITY_OUTCOMES = ['created', 'updated', 'unchanged', 'deactivated', 'duplicate', 'ignored'] as const;

export class IdentityEventResultDto {
  @ApiProperty({ example: 0, description: 'Position of the event in the request' }) index: number;
  @ApiProperty({ enum: IDENTITY_EVENT_TYPES, example: 'user.created' }) type: IdentityEventType;
  @ApiProperty({
    enum: IDENTITY_OUTCOMES,
    example: 'created',
    description:
      '`unchanged`: the user already was as the event says; `duplicate`: this event id was applied before; `ignored`: user.deleted of a user Spendin does not know',
  })
  outcome: (typeof IDENTITY_OUTCOMES)[number];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  user_id: string | null;
}

export class IdentityEventsAcceptedDto {
  @ApiProperty({ example: 'accepted' }) status: 'accepted';
  @ApiProperty({ type: IdentityEventResultDto, isArray: true }) results: IdentityEventResultDto[];
}
