import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { ApprovalErrors } from './approvals.errors';
import { ApprovalSlaDto, ApprovalSlaResponseDto } from './dto/sla.dto';
import { SlaSettingsService } from './sla-settings.service';

@ApiTags('Approval SLA')
@Controller('organization/approval-sla')
export class SlaController {
  constructor(private readonly settings: SlaSettingsService) {}

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "The organization's approval reminders, escalation and auto-reject",
    description: 'Admin only. Every field null (the default) means off: nothing is reminded, escalated or rejected.',
  })
  @ApiOkResponse({ type: ApprovalSlaResponseDto })
  get(@CurrentActor() actor: Actor): Promise<ApprovalSlaResponseDto> {
    return this.settings.get(actor);
  }

  @Put()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "Replace the organization's approval reminders, escalation and auto-reject",
    description:
      'Admin only; a field left out or null is off. The escalation must come after the reminder, the auto-reject after both, and the auto-reject needs its message (422 APPROVAL_SLA_INVALID). Audited (`approval_sla.updated`). Steps already pending count from when they became pending.',
  })
  @ApiOkResponse({ type: ApprovalSlaResponseDto })
  @ApiValidation()
  @ApiProblems([ApprovalErrors.APPROVAL_SLA_INVALID, 'escalate_after_hours must be more than remind_after_hours'])
  replace(@CurrentActor() actor: Actor, @Body() dto: ApprovalSlaDto): Promise<ApprovalSlaResponseDto> {
    return this.settings.replace(actor, dto);
  }
}
