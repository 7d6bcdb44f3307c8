import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { readsWholeOrganization } from '../common/auth/roles';
import { Directory } from '../users/directory';

/**
 * Which spends a caller may see, answered in one place for every endpoint:
 * - finance, admin and accountant: the whole organization;
 * - managers: their own, everyone below them in the reporting line (transitively), and the
 *   spends and members of the teams they lead;
 * - everyone: their own, the spends on which they are (or were) a named approver or decided a
 *   step, and, as a delegate today, those waiting for their delegator's decision.
 */
export type SpendScope =
  { organizationWide: true } | { organizationWide: false; userIds: string[]; teamIds: string[]; spendIds: string[] };

@Injectable()
export class SpendAccess {
  constructor(
    private readonly directory: Directory,
    private readonly approvals: ApprovalsService,
  ) {}

  async scopeFor(actor: Actor): Promise<SpendScope> {
    if (readsWholeOrganization(actor.role)) return { organizationWide: true };
    const userIds = new Set([actor.userId]);
    const teamIds = new Set<string>();
    if (actor.role === 'manager') {
      for (const id of await this.directory.reportsOf(actor.organizationId, actor.userId)) userIds.add(id);
      for (const { team, memberIds } of await this.directory.teamsLedBy(actor.organizationId, actor.userId)) {
        teamIds.add(team.id);
        for (const id of memberIds) userIds.add(id);
      }
    }
    const spendIds = await this.approvals.spendIdsAssignedTo(actor.organizationId, actor.userId);
    return { organizationWide: false, userIds: [...userIds], teamIds: [...teamIds], spendIds };
  }
}
