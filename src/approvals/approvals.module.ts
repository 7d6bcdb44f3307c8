import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AdminApprovalsController } from './admin-approvals.controller';
import { ApprovalEvents } from './approval-events';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';
import { ApproverResolver } from './approver-resolver';
import { AdminDelegationsController, MyDelegationsController } from './delegations.controller';
import { DelegationsRepository } from './delegations.repository';
import { DelegationsService } from './delegations.service';
import { ReassignmentsRepository } from './reassignments.repository';
import { ReassignmentsService } from './reassignments.service';
import { DecisionRecorder } from './decision-recorder';
import { SlaController } from './sla.controller';
import { SlaRepository } from './sla.repository';
import { SlaSettingsService } from './sla-settings.service';
import { ApprovalSlaSweep } from './sla-sweep';

/**
 * Approval chains: steps, who decides them (delegates included), decisions. Never imports spends
 * (see ApprovalEvents).
 */
@Module({
  imports: [UsersModule],
  controllers: [
    ApprovalsController,
    AdminApprovalsController,
    MyDelegationsController,
    AdminDelegationsController,
    SlaController,
  ],
  providers: [
    ApprovalsService,
    ApprovalsRepository,
    ApproverResolver,
    ApprovalEvents,
    DelegationsService,
    DelegationsRepository,
    ReassignmentsService,
    ReassignmentsRepository,
    DecisionRecorder,
    SlaRepository,
    SlaSettingsService,
    ApprovalSlaSweep,
  ],
  exports: [ApprovalsService, ApprovalEvents, SlaSettingsService, ApprovalSlaSweep],
})
export class ApprovalsModule {}
