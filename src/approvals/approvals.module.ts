import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ApprovalEvents } from './approval-events';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsRepository } from './approvals.repository';
import { ApprovalsService } from './approvals.service';
import { ApproverResolver } from './approver-resolver';

/** Approval chains: steps, who decides them, decisions. Never imports spends (see ApprovalEvents). */
@Module({
  imports: [UsersModule],
  controllers: [ApprovalsController],
  providers: [ApprovalsService, ApprovalsRepository, ApproverResolver, ApprovalEvents],
  exports: [ApprovalsService, ApprovalEvents],
})
export class ApprovalsModule {}
