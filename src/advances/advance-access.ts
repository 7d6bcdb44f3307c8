import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../approvals/approvals.service';
import type { Actor } from '../common/auth/roles';
import { readsWholeOrganization } from '../common/auth/roles';
import { Directory } from '../users/directory';

/**
 * Which advances a caller may see, by the rules spends follow:
 * - finance, admin and accountant: the whole organization;
 * - managers: their own, and those of everyone below them in the reporting line and of the
 *   members of the teams they lead (an advance has no team of its own);
 * - everyone: their own, and the advances on which they are (or were) a named approver.
 */
export type AdvanceScope =
  { organizationWide: true } | { organizationWide: false; userIds: string[]; advanceIds: string[] };

@Injectable()
export class AdvanceAccess {
  constructor(
    private readonly directory: Directory,
    private readonly approvals: ApprovalsService,
  ) {}

  async scopeFor(actor: Actor): Promise<AdvanceScope> {
    if (readsWholeOrganization(actor.role)) return { organizationWide: true };
    const userIds = new Set([actor.userId]);
    if (actor.role === 'manager') {
      for (const id of await this.directory.reportsOf(actor.organizationId, actor.userId)) userIds.add(id);
      for (const { memberIds } of await this.directory.teamsLedBy(actor.organizationId, actor.userId))
        for (const id of memberIds) userIds.add(id);
    }
    const advanceIds = await this.approvals.subjectIdsAssignedTo(actor.organizationId, 'advance', actor.userId);
    return { organizationWide: false, userIds: [...userIds], advanceIds };
  }
}
