import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ExchangeRatesModule } from '../exchange-rates/exchange-rates.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PoliciesModule } from '../policies/policies.module';
import { UsersModule } from '../users/users.module';
import { AdvanceAccess } from './advance-access';
import { AdvanceLinks } from './advance-links';
import { AdvanceReportGate } from './advance-report-gate';
import { AdvancesController } from './advances.controller';
import { AdvancesRepository } from './advances.repository';
import { AdvancesService } from './advances.service';
import { AdvanceApprovalOutcome } from './use-cases/advance-approval-outcome';
import { AdvanceLifecycle } from './use-cases/advance-lifecycle';
import { AdvancePolicy } from './use-cases/advance-policy';
import { RequestAdvance } from './use-cases/request-advance';

/**
 * Cash advances: requested by an employee, judged by the advance rules, decided by an approval
 * chain (the `advance` subject of ApprovalEvents), paid out by finance. Beside spends, which
 * never import it; below expense reports, which link advances to reports through AdvanceLinks.
 */
@Module({
  imports: [UsersModule, OrganizationsModule, ExchangeRatesModule, PoliciesModule, ApprovalsModule],
  controllers: [AdvancesController],
  providers: [
    AdvancesService,
    AdvancesRepository,
    AdvanceAccess,
    AdvancePolicy,
    RequestAdvance,
    AdvanceLifecycle,
    AdvanceApprovalOutcome,
    AdvanceLinks,
    AdvanceReportGate,
  ],
  exports: [AdvancesService, AdvanceLinks, AdvanceReportGate],
})
export class AdvancesModule {}
