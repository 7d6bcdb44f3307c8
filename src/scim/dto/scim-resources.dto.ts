import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * The SCIM wire shapes (RFC 7643), for the OpenAPI document only: SCIM bodies are read by the
 * pure cores in scim/core (attribute names in any case, Entra's string booleans, unknown
 * attributes ignored), which the class validator could not do.
 */

const EXAMPLE_USER_ID = '2819c223-7f76-453a-919d-413861904646';
const EXAMPLE_GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';

export class ScimNameDto {
  @ApiPropertyOptional({ example: 'Barbara Jensen', description: 'Out: the Spendin full name' })
  formatted?: string;
  @ApiPropertyOptional({ example: 'Barbara' })
  givenName?: string;
  @ApiPropertyOptional({ example: 'Jensen' })
  familyName?: string;
}

export class ScimEmailDto {
  @ApiProperty({ example: 'bjensen@example.com' })
  value: string;
  @ApiPropertyOptional({ example: 'work' })
  type?: string;
  @ApiPropertyOptional({
    example: true,
    oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['True', 'False', 'true', 'false'] }],
    description: 'A boolean, or the strings "True"/"False" Entra sends',
  })
  primary?: boolean | string;
}

export class ScimMetaDto {
  @ApiProperty({ example: 'User', enum: ['User', 'Group'] })
  resourceType: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' })
  created: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T08:30:00.000Z' })
  lastModified: string;
  @ApiProperty({ example: `https://spendin.example.com/api/v1/scim/v2/Users/${EXAMPLE_USER_ID}` })
  location: string;
}

export class ScimGroupRefDto {
  @ApiProperty({ example: EXAMPLE_GROUP_ID, description: 'The group id' })
  value: string;
  @ApiPropertyOptional({ example: 'Finance' })
  display?: string;
}

export class ScimMemberDto {
  @ApiProperty({ example: EXAMPLE_USER_ID, description: 'The id of a User' })
  value: string;
  @ApiPropertyOptional({ example: 'Barbara Jensen' })
  display?: string;
}

/** What a client sends to create or replace a User. */
export class ScimUserInputDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:User'], type: [String] })
  schemas: string[];
  @ApiProperty({
    example: 'bjensen@example.com',
    description: 'Unique in the organization, in any case; also the e-mail when no emails are sent',
  })
  userName: string;
  @ApiPropertyOptional({
    example: '00u1a2b3c4D5e6F7g8h9',
    description: "The provider's id; unique in the organization",
  })
  externalId?: string;
  @ApiPropertyOptional({ type: ScimNameDto })
  name?: ScimNameDto;
  @ApiPropertyOptional({ example: 'Barbara Jensen', description: 'Becomes the full name when given' })
  displayName?: string;
  @ApiPropertyOptional({
    type: [ScimEmailDto],
    example: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    description: 'The primary, else the work, else the first is the e-mail',
  })
  emails?: ScimEmailDto[];
  @ApiPropertyOptional({
    example: true,
    oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['True', 'False', 'true', 'false'] }],
    description: 'false deactivates the Spendin user and ends their sessions',
  })
  active?: boolean | string;
}

export class ScimUserDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:User'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: EXAMPLE_USER_ID, description: 'The Spendin user id' })
  id: string;
  @ApiPropertyOptional({ example: '00u1a2b3c4D5e6F7g8h9' })
  externalId?: string;
  @ApiProperty({ example: 'bjensen@example.com' })
  userName: string;
  @ApiProperty({ type: ScimNameDto })
  name: ScimNameDto;
  @ApiProperty({ example: 'Barbara Jensen' })
  displayName: string;
  @ApiProperty({ type: [ScimEmailDto], example: [{ value: 'bjensen@example.com', type: 'work', primary: true }] })
  emails: ScimEmailDto[];
  @ApiProperty({ example: true })
  active: boolean;
  @ApiProperty({ type: [ScimGroupRefDto], description: 'The SCIM groups the user is in (read-only)' })
  groups: ScimGroupRefDto[];
  @ApiProperty({ type: ScimMetaDto })
  meta: ScimMetaDto;
}

export class ScimGroupInputDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:Group'], type: [String] })
  schemas: string[];
  @ApiProperty({
    example: 'Finance',
    description: 'Unique in the organization, in any case; what group mappings match',
  })
  displayName: string;
  @ApiPropertyOptional({ example: '00g1a2b3c4D5e6F7g8h9' })
  externalId?: string;
  @ApiPropertyOptional({ type: [ScimMemberDto], example: [{ value: EXAMPLE_USER_ID }] })
  members?: ScimMemberDto[];
}

export class ScimGroupDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:Group'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: EXAMPLE_GROUP_ID })
  id: string;
  @ApiPropertyOptional({ example: '00g1a2b3c4D5e6F7g8h9' })
  externalId?: string;
  @ApiProperty({ example: 'Finance' })
  displayName: string;
  @ApiPropertyOptional({
    type: [ScimMemberDto],
    example: [{ value: EXAMPLE_USER_ID, display: 'Barbara Jensen' }],
    description: 'Left out with excludedAttributes=members',
  })
  members?: ScimMemberDto[];
  @ApiProperty({ type: ScimMetaDto })
  meta: ScimMetaDto;
}

export class ScimPatchOperationDto {
  @ApiProperty({ example: 'replace', enum: ['add', 'replace', 'remove', 'Add', 'Replace', 'Remove'] })
  op: string;
  @ApiPropertyOptional({ example: 'active', description: 'Absent: value is an object of attributes' })
  path?: string;
  @ApiPropertyOptional({
    example: false,
    oneOf: [
      { type: 'boolean' },
      { type: 'string' },
      { type: 'object', additionalProperties: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
    description: 'A boolean, a string ("False"), an object of attributes, or a list of members',
  })
  value?: boolean | string | Record<string, unknown> | Array<Record<string, unknown>>;
}

export class ScimPatchDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], type: [String] })
  schemas: string[];
  @ApiProperty({ type: [ScimPatchOperationDto], example: [{ op: 'replace', value: { active: false } }] })
  Operations: ScimPatchOperationDto[];
}

class ScimListBaseDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: 1, description: 'Every match of the filter, not just this page' })
  totalResults: number;
  @ApiProperty({ example: 1, description: '1-based' })
  startIndex: number;
  @ApiProperty({ example: 1 })
  itemsPerPage: number;
}

export class ScimUserListDto extends ScimListBaseDto {
  @ApiProperty({ type: [ScimUserDto] })
  Resources: ScimUserDto[];
}

export class ScimGroupListDto extends ScimListBaseDto {
  @ApiProperty({ type: [ScimGroupDto] })
  Resources: ScimGroupDto[];
}

export class ScimErrorDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:api:messages:2.0:Error'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: '400', description: 'The HTTP status, as a string' })
  status: string;
  @ApiPropertyOptional({
    example: 'invalidFilter',
    enum: ['invalidFilter', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability', 'uniqueness'],
  })
  scimType?: string;
  @ApiProperty({ example: '"or" is not supported; filters may combine with "and": userName eq, …' })
  detail: string;
}
