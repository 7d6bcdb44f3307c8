import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import type { Advance, AdvanceStatus } from './advance';
import { AdvancesRepository } from './advances.repository';

/** Advances that may be linked to a report: any not refused or withdrawn. */
export const LINKABLE_ADVANCE_STATUSES: readonly AdvanceStatus[] = ['requested', 'approved', 'paid'];

/**
 * The advances module's side of expense reports (`expense-reports` sits above advances and calls
 * this; advances never imports it): which advances are linked to a report, and linking and
 * unlinking them. Every link and unlink is audited on the advance; the report's use case audits
 * its own side and decides who may change which report.
 */
@Injectable()
export class AdvanceLinks {
  constructor(
    private readonly advances: AdvancesRepository,
    private readonly audit: AuditService,
  ) {}

  /** The advances linked to these reports, oldest first; in the caller's transaction when given one. */
  of(manager: EntityManager | DataSource, organizationId: string, reportIds: string[]): Promise<Advance[]> {
    if (reportIds.length === 0) return Promise.resolve([]);
    return this.advances.linkedTo(manager, organizationId, reportIds);
  }

  /** Advances of the organization by id, row-locked; ids of other organizations are simply absent. */
  lock(tx: EntityManager, organizationId: string, ids: string[]): Promise<Advance[]> {
    return this.advances.lockByIds(tx, organizationId, ids);
  }

  async link(tx: EntityManager, actor: Actor, reportId: string, advances: Advance[]): Promise<void> {
    if (advances.length === 0) return;
    await this.advances.setReport(
      tx,
      actor.organizationId,
      advances.map((a) => a.id),
      reportId,
    );
    for (const advance of advances) {
      advance.expenseReportId = reportId;
      await this.record(tx, actor, advance, 'advance.linked_to_report', reportId);
    }
  }

  async unlink(tx: EntityManager, actor: Actor, reportId: string, advances: Advance[]): Promise<void> {
    if (advances.length === 0) return;
    await this.advances.setReport(
      tx,
      actor.organizationId,
      advances.map((a) => a.id),
      null,
    );
    for (const advance of advances) {
      advance.expenseReportId = null;
      await this.record(tx, actor, advance, 'advance.unlinked_from_report', reportId);
    }
  }

  private record(tx: EntityManager, actor: Actor, advance: Advance, action: string, reportId: string): Promise<void> {
    return this.audit.record(tx, actor, {
      action,
      entityType: 'advance',
      entityId: advance.id,
      metadata: { expense_report_id: reportId, status: advance.status },
    });
  }
}
