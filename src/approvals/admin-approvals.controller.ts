import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ApprovalErrors } from './approvals.errors';
import { ReassignDto, ReassignResponseDto } from './dto/reassign.dto';
import { ReassignmentsService } from './reassignments.service';

@ApiTags('Approvals')
@Controller('admin/approvals')
export class AdminApprovalsController {
  constructor(private readonly reassignments: ReassignmentsService) {}

  @Post('reassign')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Reassign open approval steps',
    description:
      'Moves the named steps (1 to 100), or every open step named to `from_user_id`, to `to_user_id`, with a reason; all or nothing. Each move is audited (`approval.reassigned`); the new approver of a pending step is notified (`approval.assigned`).',
  })
  @ApiOkResponse({ type: ReassignResponseDto })
  @ApiValidation()
  @ApiProblems(
    [ApprovalErrors.APPROVAL_NOT_FOUND, 'Approval 7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b does not exist'],
    [ApprovalErrors.REASSIGNMENT_CONFLICT, '1 of the steps cannot go to this approver; nothing was moved'],
    [ApprovalErrors.REASSIGNMENT_SELECTION_INVALID, 'Name either approval_ids or from_user_id, not both'],
    [
      ApprovalErrors.APPROVER_NOT_ELIGIBLE,
      'to_user_id must name an active user of this organization with the manager role or above',
    ],
  )
  reassign(@CurrentActor() actor: Actor, @Body() dto: ReassignDto): Promise<ReassignResponseDto> {
    return this.reassignments.reassign(actor, dto);
  }
}
