import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { CreatePolicyDto, ListPoliciesQuery, PolicyResponseDto, UpdatePolicyDto } from './dto/policy.dto';
import { PoliciesService } from './policies.service';
import { PolicyErrors } from './policies.errors';

const NOT_FOUND = [
  PolicyErrors.POLICY_NOT_FOUND,
  'Policy 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e does not exist',
] as const;
const INVALID_RULE = [PolicyErrors.INVALID_POLICY_RULE, '1 problem in the rules; nothing was saved'] as const;
const NAME_TAKEN = [PolicyErrors.POLICY_NAME_TAKEN, 'A policy named "HighValue" already exists'] as const;

@ApiTags('Policies')
@Controller('policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  @Authenticated({ role: 'finance', scope: 'policies:read' })
  @ApiOperation({
    summary: "List the organization's policies",
    description: 'Oldest first, which is also the order in which rules of equal priority run.',
  })
  @ApiPageResponse(PolicyResponseDto, 'A page of policies')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListPoliciesQuery): Promise<Page<PolicyResponseDto>> {
    return this.policies.list(actor, query);
  }

  @Post()
  @Authenticated({ role: 'admin' })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a policy',
    description: 'Rules are checked when saved: an unknown field, operator or action is refused, naming where.',
  })
  @ApiCreatedResponse({ type: PolicyResponseDto })
  @ApiValidation()
  @ApiProblems(NAME_TAKEN, INVALID_RULE)
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePolicyDto): Promise<PolicyResponseDto> {
    return this.policies.create(actor, dto);
  }

  @Get(':id')
  @Authenticated({ role: 'admin', scope: 'policies:read' })
  @ApiOperation({
    summary: 'Get a policy',
    description: 'Admin only: the current version of the policy and its rules.',
  })
  @ApiOkResponse({ type: PolicyResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<PolicyResponseDto> {
    return this.policies.get(actor, id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Change a policy',
    description: 'Each change is a new version; spends evaluated earlier keep naming the version they used.',
  })
  @ApiOkResponse({ type: PolicyResponseDto })
  @ApiValidation()
  @ApiProblems(NOT_FOUND, NAME_TAKEN, INVALID_RULE)
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdatePolicyDto,
  ): Promise<PolicyResponseDto> {
    return this.policies.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Delete a policy',
    description: 'It stops applying at once; its versions stay for the evaluations that used them.',
  })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
    await this.policies.remove(actor, id);
    return { message: 'Deleted successfully' };
  }
}
