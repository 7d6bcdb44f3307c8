import { Controller, Get, Param } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { resourceTypes, schemas, serviceProviderConfig } from './core/scim-discovery';
import {
  ResourceTypeDto,
  ResourceTypeListDto,
  SchemaDto,
  SchemaListDto,
  ServiceProviderConfigDto,
} from './dto/scim-discovery.dto';
import { ScimErrorDto } from './dto/scim-resources.dto';
import { ApiScimErrors, ScimRoutes } from './scim-http';
import { listResponse, MAX_COUNT } from './scim-request';
import { ScimErrors } from './scim.errors';
import { scimBaseUrl } from './scim.mapper';

/** RFC 7644 §4: what this SCIM service supports, for clients that configure themselves. */
@ScimRoutes()
@ApiExtraModels(ScimErrorDto)
@Controller('scim/v2')
export class ScimDiscoveryController {
  private readonly base: string;

  constructor(config: AppConfig) {
    this.base = scimBaseUrl(config.publicUrl);
  }

  @Get('ServiceProviderConfig')
  @ApiOperation({ summary: 'What the SCIM service supports (SCIM)' })
  @ApiOkResponse({ type: ServiceProviderConfigDto })
  @ApiScimErrors()
  serviceProviderConfig(): Record<string, unknown> {
    return serviceProviderConfig(this.base, MAX_COUNT);
  }

  @Get('ResourceTypes')
  @ApiOperation({ summary: 'The resource types: User and Group (SCIM)' })
  @ApiOkResponse({ type: ResourceTypeListDto })
  @ApiScimErrors()
  resourceTypes(): Record<string, unknown> {
    const all = resourceTypes(this.base);
    return listResponse(all.length, { startIndex: 1, count: all.length }, all);
  }

  @Get('ResourceTypes/:name')
  @ApiOperation({ summary: 'One resource type (SCIM)' })
  @ApiOkResponse({ type: ResourceTypeDto })
  @ApiScimErrors([ScimErrors.SCIM_RESOURCE_NOT_FOUND, 'No resource type Device'])
  resourceType(@Param('name') name: string): Record<string, unknown> {
    const found = resourceTypes(this.base).find((t) => t.id === name);
    if (!found) throw ScimErrors.SCIM_RESOURCE_NOT_FOUND(`No resource type ${name}`);
    return found;
  }

  @Get('Schemas')
  @ApiOperation({ summary: 'The schemas of User and Group, as Spendin keeps them (SCIM)' })
  @ApiOkResponse({ type: SchemaListDto })
  @ApiScimErrors()
  schemas(): Record<string, unknown> {
    const all = schemas(this.base);
    return listResponse(all.length, { startIndex: 1, count: all.length }, all);
  }

  @Get('Schemas/:id')
  @ApiOperation({ summary: 'One schema, by its URN (SCIM)' })
  @ApiOkResponse({ type: SchemaDto })
  @ApiScimErrors([ScimErrors.SCIM_RESOURCE_NOT_FOUND, 'No schema urn:example:unknown'])
  schema(@Param('id') id: string): Record<string, unknown> {
    const found = schemas(this.base).find((s) => s.id === id);
    if (!found) throw ScimErrors.SCIM_RESOURCE_NOT_FOUND(`No schema ${id}`);
    return found;
  }
}
