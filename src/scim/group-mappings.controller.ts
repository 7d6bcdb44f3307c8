import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { UserErrors } from '../users/users.errors';
import { PutGroupMappingsDto, ScimSettingsDto } from './dto/group-mapping.dto';
import { GroupMappingsService } from './group-mappings.service';
import { ScimMappingErrors } from './scim.errors';

/** The admin's SCIM settings: ordinary bearer auth and problem+json, unlike /scim/v2 itself. */
@ApiTags('SCIM')
@Controller('organization/scim')
export class GroupMappingsController {
  constructor(private readonly mappings: GroupMappingsService) {}

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'The SCIM base URL and the group mappings',
    description:
      'What to give the identity provider (the base URL; an API key with the scim scope), and how its groups map to teams and roles.',
  })
  @ApiOkResponse({ type: ScimSettingsDto })
  get(@CurrentActor() actor: Actor): Promise<ScimSettingsDto> {
    return this.mappings.get(actor);
  }

  @Put('group-mappings')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Map SCIM groups to teams and roles',
    description:
      'Replaces every mapping. Members of a mapped group (matched by displayName, in any case) join its team and get its role; with several ' +
      'mapped groups the highest role wins. Leaving the group takes them out of the team and reverts the role to employee (unless an admin changed ' +
      'it since). Applied at once to everyone already in a group. Mapping a group to admin lets whoever controls the group in the provider make admins.',
  })
  @ApiOkResponse({ type: ScimSettingsDto })
  @ApiValidation()
  @ApiProblems(
    [ScimMappingErrors.SCIM_MAPPING_TEAM_NOT_FOUND, 'Team 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f does not exist'],
    [ScimMappingErrors.SCIM_MAPPING_DUPLICATE, 'Finance EU is mapped twice'],
    [ScimMappingErrors.SCIM_MAPPING_EMPTY, 'Finance EU maps to neither a team nor a role'],
    [
      UserErrors.LAST_ADMIN,
      'The organization needs at least one active admin who can log in; promote another user first',
    ],
  )
  replace(@CurrentActor() actor: Actor, @Body() dto: PutGroupMappingsDto): Promise<ScimSettingsDto> {
    return this.mappings.replace(actor, dto);
  }
}
