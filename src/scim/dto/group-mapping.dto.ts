import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, IsUUID, Length, ValidateIf, ValidateNested } from 'class-validator';
import { Role, ROLES } from '../../common/auth/roles';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class GroupMappingDto {
  @ApiProperty({
    example: 'Finance EU',
    minLength: 1,
    maxLength: 256,
    description: "A SCIM group's displayName, in any case",
  })
  @Transform(trim)
  @IsString()
  @Length(1, 256)
  group: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
    description: "The team the group's members belong to",
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all')
  team_id?: string | null;

  @ApiPropertyOptional({
    enum: ROLES,
    nullable: true,
    type: String,
    example: 'finance',
    description:
      "The role the group's members get; the highest of their mapped groups wins, in the order employee < accountant < manager < finance < admin",
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role | null;
}

export class PutGroupMappingsDto {
  @ApiProperty({
    type: [GroupMappingDto],
    maxItems: 200,
    example: [{ group: 'Finance EU', role: 'finance' }],
    description: 'Every mapping: this list replaces the ones before',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => GroupMappingDto)
  mappings: GroupMappingDto[];
}

export class GroupMappingResponseDto {
  @ApiProperty({ example: 'Finance EU' })
  group: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' })
  team_id: string | null;
  @ApiProperty({ enum: ROLES, nullable: true, type: String, example: 'finance' })
  role: Role | null;
}

export class ScimSettingsDto {
  @ApiProperty({
    example: 'https://spendin.example.com/api/v1/scim/v2',
    description: 'The SCIM base URL to give the identity provider (relative when PUBLIC_URL is not set)',
  })
  base_url: string;

  @ApiProperty({
    example: 'scim',
    description: "The API key scope the provider's key needs (POST /organization/api-keys)",
  })
  required_scope: string;

  @ApiProperty({
    enum: ROLES,
    example: 'employee',
    description: 'The role a user falls back to when no mapped group gives one',
  })
  default_role: Role;

  @ApiProperty({ type: [GroupMappingResponseDto] })
  group_mappings: GroupMappingResponseDto[];
}
