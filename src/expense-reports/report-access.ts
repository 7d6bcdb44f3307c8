import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { SpendAccess } from '../spends/spend-access';
import { ReportScope } from './expense-reports.repository';

/**
 * Which expense reports a caller may see, by the spends' own rule (SpendAccess): finance,
 * admin and the accountant the whole organization; a manager the reports of everyone whose
 * spends they see (their reporting line and the members of teams they lead); everyone their own
 * and the reports on which they are (or were) an approver.
 */
@Injectable()
export class ReportAccess {
  constructor(
    private readonly spends: SpendAccess,
    private readonly approvals: ApprovalsService,
  ) {}

  async scopeFor(actor: Actor): Promise<ReportScope> {
    const scope = await this.spends.scopeFor(actor);
    if (scope.organizationWide) return { organizationWide: true };
    const reportIds = await this.approvals.subjectIdsAssignedTo(actor.organizationId, 'expense_report', actor.userId);
    return { organizationWide: false, userIds: scope.userIds, reportIds };
  }
}
