import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Asked, in the request's transaction, whether the caller's report still takes advances: null
 * when it does, or when it is not the caller's report at all (the foreign key then answers 404),
 * otherwise the report's status. The check may lock the report.
 */
export type ReportLinkCheck = (
  tx: EntityManager,
  organizationId: string,
  userId: string,
  reportId: string,
) => Promise<string | null>;

/**
 * A port (docs/architecture.md, "Cross-module calls and events"): advances sit below expense
 * reports and never import them, but an advance requested with `expense_report_id` must not join
 * a report that is already decided. The expense reports module registers the one check; the
 * foreign key on (organization_id, expense_report_id, user_id) still decides whose report it is.
 */
@Injectable()
export class AdvanceReportGate {
  private check: ReportLinkCheck | null = null;

  onLinkRequested(check: ReportLinkCheck): void {
    if (this.check) throw new Error('AdvanceReportGate takes one check; a second was registered');
    this.check = check;
  }

  /** The report's status when it takes no more advances; null otherwise. */
  closedStatus(tx: EntityManager, organizationId: string, userId: string, reportId: string): Promise<string | null> {
    return this.check ? this.check(tx, organizationId, userId, reportId) : Promise.resolve(null);
  }
}
