import { Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { DelegationErrors } from './delegations.errors';
import { DelegationsService } from './delegations.service';
import { CreateDelegationDto, DelegationResponseDto } from './dto/delegation.dto';

export const CREATE_PROBLEMS = [
  [
    DelegationErrors.DELEGATE_NOT_ELIGIBLE,
    'delegate_id must name an active user of this organization with the manager role or above',
  ],
  [
    DelegationErrors.DELEGATION_RANGE_INVALID,
    'The range 2026-08-14 to 2026-08-03 is invalid: ends_on is before starts_on',
  ],
  [
    DelegationErrors.DELEGATION_OVERLAP,
    'Delegation 9c0d… (2026-08-01 to 2026-08-10) already covers some of these days',
  ],
  [DelegationErrors.DELEGATION_CYCLE, 'The delegate delegates to this user from 2026-08-01 to 2026-08-20'],
] as const;
export const DELEGATION_NOT_FOUND = [
  DelegationErrors.DELEGATION_NOT_FOUND,
  'Delegation 9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f does not exist',
] as const;

@ApiTags('Approval delegations')
@Controller('users/me/delegations')
export class MyDelegationsController {
  constructor(private readonly delegations: DelegationsService) {}

  @Post()
  @Authenticated()
  @ApiOperation({
    summary: 'Delegate my approvals',
    description:
      'While the delegation covers today (UTC), the steps assigned to the caller by name, pending or new, may be decided by the delegate; the decision records `on_behalf_of`. A delegate never decides their own submission, nor two steps of one round, and never passes a delegation on.',
  })
  @ApiCreatedResponse({ type: DelegationResponseDto })
  @ApiValidation()
  @ApiProblems(...CREATE_PROBLEMS)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateDelegationDto): Promise<DelegationResponseDto> {
    return this.delegations.create(actor, actor.userId, dto);
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'My delegations, given and received',
    description: 'Revoked ones included (`revoked_at`); newest range first.',
  })
  @ApiPageResponse(DelegationResponseDto, 'A page of delegations')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto): Promise<Page<DelegationResponseDto>> {
    return this.delegations.list(actor, actor.userId, true, query);
  }

  @Delete(':delegation_id')
  @Authenticated()
  @ApiOperation({
    summary: 'Revoke a delegation I gave',
    description: 'From now on the delegate no longer decides for the caller. Revoking again answers it unchanged.',
  })
  @ApiOkResponse({ type: DelegationResponseDto })
  @ApiProblems(DELEGATION_NOT_FOUND)
  @ApiInvalidId('delegation_id')
  revoke(@CurrentActor() actor: Actor, @UuidParam('delegation_id') id: string): Promise<DelegationResponseDto> {
    return this.delegations.revoke(actor, actor.userId, id);
  }
}

const USER_NOT_FOUND = [
  DelegationErrors.DELEGATOR_NOT_FOUND,
  'User 0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b does not exist',
] as const;

@ApiTags('Approval delegations')
@Controller('admin/users/:id/delegations')
export class AdminDelegationsController {
  constructor(private readonly delegations: DelegationsService) {}

  @Post()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Delegate a user's approvals",
    description:
      'As POST /users/me/delegations, for the user of the path (out of office, say); `created_by` is the admin.',
  })
  @ApiCreatedResponse({ type: DelegationResponseDto })
  @ApiValidation()
  @ApiProblems(USER_NOT_FOUND, ...CREATE_PROBLEMS)
  @ApiInvalidId()
  async create(
    @CurrentActor() actor: Actor,
    @UuidParam('id') userId: string,
    @Body() dto: CreateDelegationDto,
  ): Promise<DelegationResponseDto> {
    await this.delegations.assertUser(actor, userId);
    return this.delegations.create(actor, userId, dto);
  }

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: "A user's delegations", description: 'Those the user gave; revoked ones included.' })
  @ApiPageResponse(DelegationResponseDto, 'A page of delegations')
  @ApiValidation()
  @ApiProblems(USER_NOT_FOUND)
  @ApiInvalidId()
  async list(
    @CurrentActor() actor: Actor,
    @UuidParam('id') userId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<DelegationResponseDto>> {
    await this.delegations.assertUser(actor, userId);
    return this.delegations.list(actor, userId, false, query);
  }

  @Delete(':delegation_id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: "Revoke a user's delegation", description: 'Revoking again answers it unchanged.' })
  @ApiOkResponse({ type: DelegationResponseDto })
  @ApiProblems(USER_NOT_FOUND, DELEGATION_NOT_FOUND)
  @ApiInvalidId('delegation_id')
  async revoke(
    @CurrentActor() actor: Actor,
    @UuidParam('id') userId: string,
    @UuidParam('delegation_id') id: string,
  ): Promise<DelegationResponseDto> {
    await this.delegations.assertUser(actor, userId);
    return this.delegations.revoke(actor, userId, id);
  }
}
