import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The report's status when its lines no longer change, null while they may. */
export type LineChangeCheck = (tx: EntityManager, organizationId: string, reportId: string) => Promise<string | null>;

/**
 * A port (docs/architecture.md, "Cross-module calls and events"): spends sit below expense
 * reports and never import them, but a rejected line of a decided report must not be edited, since
 * the report is its record (and may be paid). The expense reports module registers the one check.
 */
@Injectable()
export class ReportLineGate {
  private check: LineChangeCheck | null = null;

  onLineChange(check: LineChangeCheck): void {
    if (this.check) throw new Error('ReportLineGate takes one check; a second was registered');
    this.check = check;
  }

  /** The report's status when its lines are closed to changes; null otherwise. */
  closedStatus(tx: EntityManager, organizationId: string, reportId: string): Promise<string | null> {
    return this.check ? this.check(tx, organizationId, reportId) : Promise.resolve(null);
  }
}
