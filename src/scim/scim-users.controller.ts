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
import { ScimErrorDto, ScimPatchDto, ScimUserDto, ScimUserInputDto, ScimUserListDto } from './dto/scim-resources.dto';
import { ApiScimErrors, ScimRoutes } from './scim-http';
import { ScimListQueryDto } from './dto/scim-query.dto';
import { ScimUsersService } from './scim-users.service';
import { ScimErrors } from './scim.errors';

const NOT_FOUND: [typeof ScimErrors.SCIM_USER_NOT_FOUND, string] = [
  ScimErrors.SCIM_USER_NOT_FOUND,
  'User 2819c223-7f76-453a-919d-413861904646 does not exist',
];
const INVALID_VALUE: [typeof ScimErrors.SCIM_INVALID_VALUE, string] = [
  ScimErrors.SCIM_INVALID_VALUE,
  'userName is required',
];
const SYNTAX: [typeof ScimErrors.SCIM_INVALID_SYNTAX, string] = [
  ScimErrors.SCIM_INVALID_SYNTAX,
  'The request body is not valid JSON',
];
const UNIQUENESS: [typeof ScimErrors.SCIM_UNIQUENESS, string] = [
  ScimErrors.SCIM_UNIQUENESS,
  'userName bjensen@example.com is already in use',
];
const LAST_ADMIN: [typeof UserErrors.LAST_ADMIN, string] = [
  UserErrors.LAST_ADMIN,
  'The organization needs at least one active admin who can log in; promote another user first',
];

@ScimRoutes()
@ApiExtraModels(ScimErrorDto)
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Get()
  @ApiOperation({
    summary: 'List or find users (SCIM)',
    description:
      'RFC 7644 §3.4.2. `filter` takes equality tests joined by `and`: `userName eq "…"`, `externalId eq "…"`, `id eq "…"`, `active eq true`, ' +
      '`emails.value eq "…"`, `emails[type eq "work"].value eq "…"`, `emails[primary eq true].value eq "…"`; anything else is 400 invalidFilter. ' +
      '`startIndex` is 1-based, `count` at most 200 (100 by default). Users made in Spendin are listed too (their userName is their e-mail), ' +
      'so that a provider can match the people it already has.',
  })
  @ApiOkResponse({ type: ScimUserListDto })
  @ApiScimErrors([
    ScimErrors.SCIM_INVALID_FILTER,
    '"or" is not supported; filters may combine with "and": userName eq, …',
  ])
  list(@CurrentActor() actor: Actor, @Query() query: ScimListQueryDto): Promise<Record<string, unknown>> {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (SCIM)' })
  @ApiOkResponse({ type: ScimUserDto })
  @ApiScimErrors(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<Record<string, unknown>> {
    return this.users.get(actor, id);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a user (SCIM)',
    description:
      'A new employee without a password (they sign in through the provider). A user this provider deleted comes back with the same e-mail. ' +
      'A userName or e-mail already in the organization is 409 uniqueness.',
  })
  @ApiBody({ type: ScimUserInputDto })
  @ApiCreatedResponse({
    type: ScimUserDto,
    headers: { Location: { description: 'The new user', schema: { type: 'string' } } },
  })
  @ApiScimErrors(INVALID_VALUE, SYNTAX, UNIQUENESS)
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    const user = await this.users.create(actor, body);
    response.setHeader('Location', String((user.meta as { location: string }).location));
    return user;
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace a user (SCIM)',
    description: '`active: false` deactivates the user and ends every session.',
  })
  @ApiBody({ type: ScimUserInputDto })
  @ApiOkResponse({ type: ScimUserDto })
  @ApiScimErrors(NOT_FOUND, INVALID_VALUE, SYNTAX, UNIQUENESS, LAST_ADMIN)
  replace(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.users.replace(actor, id, body);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a user (SCIM PATCH)',
    description:
      'RFC 7644 §3.5.2 operations add, replace and remove (in any case), with or without a path; booleans may be the strings "True"/"False" (Entra). ' +
      'Deactivate with `{"op": "replace", "value": {"active": false}}` (Okta, Entra) or `{"op": "Replace", "path": "active", "value": "False"}`: ' +
      'the user can no longer log in or refresh. Attributes Spendin does not keep (enterprise extension, title, …) are ignored.',
  })
  @ApiBody({
    type: ScimPatchDto,
    examples: {
      deactivate: {
        summary: 'Deactivate (Okta)',
        value: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: { active: false } }],
        },
      },
      entra: {
        summary: 'Deactivate (Entra)',
        value: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
        },
      },
    },
  })
  @ApiOkResponse({ type: ScimUserDto })
  @ApiScimErrors(
    NOT_FOUND,
    [ScimErrors.SCIM_INVALID_PATH, 'emails[type eq is not an attribute path'],
    [ScimErrors.SCIM_NO_TARGET, 'Operations[0]: remove needs a path'],
    [ScimErrors.SCIM_MUTABILITY, 'id cannot be changed'],
    INVALID_VALUE,
    SYNTAX,
    UNIQUENESS,
    LAST_ADMIN,
  )
  patch(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.users.patch(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (SCIM)',
    description:
      "Spendin keeps a person's spends and audit trail: the user is deactivated (every session ends), taken out of their groups and no longer found through SCIM (404).",
  })
  @ApiNoContentResponse({ description: 'Deactivated and hidden from SCIM' })
  @ApiScimErrors(NOT_FOUND, LAST_ADMIN)
  async delete(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.users.delete(actor, id);
  }
}
