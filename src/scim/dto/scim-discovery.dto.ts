import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class SupportedDto {
  @ApiProperty({ example: true })
  supported: boolean;
}

class FilterSupportDto extends SupportedDto {
  @ApiProperty({ example: 200 })
  maxResults: number;
}

class BulkSupportDto extends SupportedDto {
  @ApiProperty({ example: 0 })
  maxOperations: number;
  @ApiProperty({ example: 0 })
  maxPayloadSize: number;
}

class AuthenticationSchemeDto {
  @ApiProperty({ example: 'oauthbearertoken' })
  type: string;
  @ApiProperty({ example: 'Organization API key' })
  name: string;
  @ApiProperty({ example: 'Authorization: Bearer sk_live_… — an API key of the organization with the scim scope' })
  description: string;
  @ApiProperty({ example: true })
  primary: boolean;
}

class DiscoveryMetaDto {
  @ApiProperty({ example: 'ServiceProviderConfig' })
  resourceType: string;
  @ApiProperty({ example: '/api/v1/scim/v2/ServiceProviderConfig' })
  location: string;
}

export class ServiceProviderConfigDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], type: [String] })
  schemas: string[];
  @ApiProperty({ type: SupportedDto })
  patch: SupportedDto;
  @ApiProperty({ type: BulkSupportDto })
  bulk: BulkSupportDto;
  @ApiProperty({ type: FilterSupportDto })
  filter: FilterSupportDto;
  @ApiProperty({ type: SupportedDto })
  changePassword: SupportedDto;
  @ApiProperty({ type: SupportedDto })
  sort: SupportedDto;
  @ApiProperty({ type: SupportedDto })
  etag: SupportedDto;
  @ApiProperty({ type: [AuthenticationSchemeDto] })
  authenticationSchemes: AuthenticationSchemeDto[];
  @ApiProperty({ type: DiscoveryMetaDto })
  meta: DiscoveryMetaDto;
}

export class ResourceTypeDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: 'User' })
  id: string;
  @ApiProperty({ example: 'User' })
  name: string;
  @ApiProperty({ example: '/Users' })
  endpoint: string;
  @ApiProperty({ example: 'A Spendin user of the organization' })
  description: string;
  @ApiProperty({ example: 'urn:ietf:params:scim:schemas:core:2.0:User' })
  schema: string;
  @ApiProperty({ type: DiscoveryMetaDto })
  meta: DiscoveryMetaDto;
}

export class SchemaAttributeDto {
  @ApiProperty({ example: 'userName' })
  name: string;
  @ApiProperty({ example: 'string', enum: ['string', 'boolean', 'complex'] })
  type: string;
  @ApiProperty({ example: false })
  multiValued: boolean;
  @ApiProperty({ example: true })
  required: boolean;
  @ApiProperty({ example: false })
  caseExact: boolean;
  @ApiProperty({ example: 'readWrite' })
  mutability: string;
  @ApiProperty({ example: 'default' })
  returned: string;
  @ApiProperty({ example: 'server' })
  uniqueness: string;
  @ApiPropertyOptional({ type: () => [SchemaAttributeDto] })
  subAttributes?: SchemaAttributeDto[];
}

export class SchemaDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: 'urn:ietf:params:scim:schemas:core:2.0:User' })
  id: string;
  @ApiProperty({ example: 'User' })
  name: string;
  @ApiProperty({ example: 'User Account' })
  description: string;
  @ApiProperty({ type: [SchemaAttributeDto] })
  attributes: SchemaAttributeDto[];
  @ApiProperty({ type: DiscoveryMetaDto })
  meta: DiscoveryMetaDto;
}

class DiscoveryListBaseDto {
  @ApiProperty({ example: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], type: [String] })
  schemas: string[];
  @ApiProperty({ example: 2 })
  totalResults: number;
  @ApiProperty({ example: 1 })
  startIndex: number;
  @ApiProperty({ example: 2 })
  itemsPerPage: number;
}

export class ResourceTypeListDto extends DiscoveryListBaseDto {
  @ApiProperty({ type: [ResourceTypeDto] })
  Resources: ResourceTypeDto[];
}

export class SchemaListDto extends DiscoveryListBaseDto {
  @ApiProperty({ type: [SchemaDto] })
  Resources: SchemaDto[];
}
