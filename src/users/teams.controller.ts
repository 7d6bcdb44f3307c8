import { Body, Controller, Delete, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { CreateTeamDto, ListTeamsQuery, TeamResponseDto, UpdateTeamDto } from './dto/team.dto';
import { TeamsService } from './teams.service';
import { TeamErrors } from './users.errors';

const TEAM_NOT_FOUND = [TeamErrors.TEAM_NOT_FOUND, 'Team 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f does not exist'] as const;
const USER_NOT_IN_ORG = [
  TeamErrors.TEAM_USER_NOT_FOUND,
  'lead_id: 5a7d… is not an active user of this organization',
] as const;

@ApiTags('Teams')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Authenticated({ scope: 'users:read' })
  @ApiOperation({ summary: "List the organization's teams", description: 'Ordered by name.' })
  @ApiPageResponse(TeamResponseDto, 'A page of teams')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListTeamsQuery): Promise<Page<TeamResponseDto>> {
    return this.teams.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a team',
    description: 'Admin only. A name another team of the organization already has is 409.',
  })
  @ApiCreatedResponse({ type: TeamResponseDto })
  @ApiValidation()
  @ApiProblems([TeamErrors.TEAM_NAME_TAKEN, 'A team named "Field Sales" already exists'], USER_NOT_IN_ORG)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTeamDto): Promise<TeamResponseDto> {
    return this.teams.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ scope: 'users:read' })
  @ApiOperation({
    summary: 'Get a team',
    description: 'Any member of the organization may read a team, its lead and its members.',
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiInvalidId()
  @ApiProblems(TEAM_NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<TeamResponseDto> {
    return this.teams.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Rename a team or change its lead',
    description:
      'Admin only; only the fields sent change. Members are added and removed with PUT/DELETE /teams/{id}/members/{user_id}.',
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiValidation()
  @ApiProblems(
    TEAM_NOT_FOUND,
    [TeamErrors.TEAM_NAME_TAKEN, 'A team named "Field Sales" already exists'],
    USER_NOT_IN_ORG,
  )
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateTeamDto,
  ): Promise<TeamResponseDto> {
    return this.teams.update(actor, id, dto);
  }

  @Put(':id/members/:user_id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Add a member to a team',
    description: 'Idempotent: adding a member twice changes nothing. A deactivated user cannot join (409).',
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiInvalidId('user_id')
  @ApiProblems(
    TEAM_NOT_FOUND,
    [TeamErrors.MEMBER_NOT_FOUND, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist'],
    [TeamErrors.MEMBER_INACTIVE, 'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b is deactivated and cannot join a team'],
  )
  addMember(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('user_id') userId: string,
  ): Promise<TeamResponseDto> {
    return this.teams.addMember(actor, id, userId);
  }

  @Delete(':id/members/:user_id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Remove a member from a team',
    description: 'Idempotent: removing a non-member changes nothing.',
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiInvalidId('user_id')
  @ApiProblems(TEAM_NOT_FOUND, [
    TeamErrors.MEMBER_NOT_FOUND,
    'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist',
  ])
  removeMember(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('user_id') userId: string,
  ): Promise<TeamResponseDto> {
    return this.teams.removeMember(actor, id, userId);
  }
}
