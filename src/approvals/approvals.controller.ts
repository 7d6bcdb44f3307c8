import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ApprovalErrors } from './approvals.errors';
import { ApprovalsService } from './approvals.service';
import { ApprovalResponseDto, DecisionDto, DecisionResponseDto, ListApprovalsQuery } from './dto/approval.dto';

@ApiTags('Approvals')
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'Approval steps assigned to the caller',
    description:
      'Assigned by name, or to a role the caller holds (finance steps: finance and admins; admin steps: admins); never an accountant, who does not approve. `pending` lists what can be decided now, oldest first; `approved` / `rejected` also list what the caller decided.',
  })
  @ApiPageResponse(ApprovalResponseDto, 'A page of approval steps')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: ListApprovalsQuery): Promise<Page<ApprovalResponseDto>> {
    return this.approvals.list(actor, query);
  }

  @Post(':approval_id/decision')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Approve or reject a step',
    description:
      'Steps are decided in order. A rejection needs a comment and ends the chain (the spend is rejected); the last approval approves the spend. Of two simultaneous decisions on one step exactly one wins; the other gets 409.',
  })
  @ApiOkResponse({ type: DecisionResponseDto })
  @ApiValidation()
  @ApiProblems(
    [ApprovalErrors.APPROVAL_NOT_FOUND, 'Approval 7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b does not exist'],
    [ApprovalErrors.NOT_APPROVER, 'This step is assigned to someone else'],
    [ApprovalErrors.SELF_APPROVAL_FORBIDDEN, 'Nobody approves their own spend'],
    [ApprovalErrors.APPROVAL_ALREADY_DECIDED, 'This step was already approved'],
    [ApprovalErrors.APPROVAL_NOT_CURRENT, 'Step 1 of this spend is still open'],
    [ApprovalErrors.COMMENT_REQUIRED, 'Say why the spend is rejected, so that its owner can fix it'],
  )
  decide(
    @CurrentActor() actor: Actor,
    @UuidParam('approval_id') id: string,
    @Body() dto: DecisionDto,
  ): Promise<DecisionResponseDto> {
    return this.approvals.decide(actor, id, dto);
  }
}
