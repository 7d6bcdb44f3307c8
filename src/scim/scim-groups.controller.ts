import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UserErrors } from '../users/users.errors';
import { ScimGetQueryDto, ScimListQueryDto } from './dto/scim-query.dto';
import {
  ScimErrorDto,
  ScimGroupDto,
  ScimGroupInputDto,
  ScimGroupListDto,
  ScimPatchDto,
} from './dto/scim-resources.dto';
import { ApiScimErrors, ScimRoutes } from './scim-http';
import { ScimGroupsService } from './scim-groups.service';
import { ScimErrors } from './scim.errors';

const NOT_FOUND: [typeof ScimErrors.SCIM_GROUP_NOT_FOUND, string] = [
  ScimErrors.SCIM_GROUP_NOT_FOUND,
  'Group e9e30dba-f08f-4109-8486-d5c6a331660a does not exist',
];
const INVALID_VALUE: [typeof ScimErrors.SCIM_INVALID_VALUE, string] = [
  ScimErrors.SCIM_INVALID_VALUE,
  'members: no User 2819c223-7f76-453a-919d-413861904646 exists',
];
const SYNTAX: [typeof ScimErrors.SCIM_INVALID_SYNTAX, string] = [
  ScimErrors.SCIM_INVALID_SYNTAX,
  'The body must be a Group object',
];
const UNIQUENESS: [typeof ScimErrors.SCIM_UNIQUENESS, string] = [
  ScimErrors.SCIM_UNIQUENESS,
  'A group named "Finance" already exists',
];
const LAST_ADMIN: [typeof UserErrors.LAST_ADMIN, string] = [
  UserErrors.LAST_ADMIN,
  'The organization needs at least one active admin who can log in; promote another user first',
];
const MAPPING =
  "Members of a group that the organization's admin mapped (PUT /organization/scim/group-mappings) join the mapped team and get the mapped role; " +
  'leaving the group takes them out of the team and reverts the role.';

@ScimRoutes()
@ApiExtraModels(ScimErrorDto)
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get()
  @ApiOperation({
    summary: 'List or find groups (SCIM)',
    description:
      'Filters: `displayName eq "…"`, `externalId eq "…"`, `id eq "…"`, joined by `and`. `excludedAttributes=members` leaves members out.',
  })
  @ApiOkResponse({ type: ScimGroupListDto })
  @ApiScimErrors([
    ScimErrors.SCIM_INVALID_FILTER,
    'Filtering on members[…] is not supported; filters may combine with "and": displayName eq, …',
  ])
  list(@CurrentActor() actor: Actor, @Query() query: ScimListQueryDto): Promise<Record<string, unknown>> {
    return this.groups.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a group (SCIM)' })
  @ApiOkResponse({ type: ScimGroupDto })
  @ApiScimErrors(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: ScimGetQueryDto) {
    return this.groups.get(actor, id, query.excludedAttributes);
  }

  @Post()
  @ApiOperation({ summary: 'Create a group (SCIM)', description: MAPPING })
  @ApiBody({ type: ScimGroupInputDto })
  @ApiCreatedResponse({
    type: ScimGroupDto,
    headers: { Location: { description: 'The new group', schema: { type: 'string' } } },
  })
  @ApiScimErrors(INVALID_VALUE, SYNTAX, UNIQUENESS, LAST_ADMIN)
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    const group = await this.groups.create(actor, body);
    response.setHeader('Location', String((group.meta as { location: string }).location));
    return group;
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a group (SCIM)', description: MAPPING })
  @ApiBody({ type: ScimGroupInputDto })
  @ApiOkResponse({ type: ScimGroupDto })
  @ApiScimErrors(NOT_FOUND, INVALID_VALUE, SYNTAX, UNIQUENESS, LAST_ADMIN)
  replace(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.groups.replace(actor, id, body);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a group and its members (SCIM PATCH)',
    description:
      'Add members with `{"op": "add", "path": "members", "value": [{"value": "<user id>"}]}`, remove them with `{"op": "remove", "path": "members[value eq \\"<user id>\\"]"}` ' +
      '(or, as Entra does, `remove` of `members` with a value list), replace them all with `replace` of `members`, rename with `replace` of `displayName`. ' +
      MAPPING,
  })
  @ApiBody({
    type: ScimPatchDto,
    examples: {
      add: {
        summary: 'Add a member',
        value: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: [{ value: '2819c223-7f76-453a-919d-413861904646' }] }],
        },
      },
      remove: {
        summary: 'Remove a member',
        value: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'remove', path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }],
        },
      },
    },
  })
  @ApiOkResponse({ type: ScimGroupDto })
  @ApiScimErrors(
    NOT_FOUND,
    [ScimErrors.SCIM_INVALID_PATH, 'members[value eq is not an attribute path'],
    [ScimErrors.SCIM_NO_TARGET, 'Operations[0]: remove needs a path'],
    [ScimErrors.SCIM_MUTABILITY, 'id cannot be changed'],
    INVALID_VALUE,
    SYNTAX,
    UNIQUENESS,
    LAST_ADMIN,
  )
  patch(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.groups.patch(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a group (SCIM)',
    description: "The group goes; its members' mapped teams and roles are worked out again.",
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiScimErrors(NOT_FOUND, LAST_ADMIN)
  async delete(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.groups.delete(actor, id);
  }
}
