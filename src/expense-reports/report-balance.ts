import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AdvanceLinks } from '../advances/advance-links';
import { OrganizationsService } from '../organizations/organizations.service';
import { ReportLines } from '../spends/report-lines';
import { offsetOf, totalsOf } from './expense-report.mapper';

/**
 * What a report comes to once its advances are offset: the approved total (every line not
 * rejected), the paid linked advances, and the balance between them (negative: the employee owes
 * the difference back). Read in the caller's transaction when given one, so that a payout sees
 * the same rows it locks.
 */
@Injectable()
export class ReportBalance {
  constructor(
    private readonly lines: ReportLines,
    private readonly advances: AdvanceLinks,
    private readonly organizations: OrganizationsService,
  ) {}

  async of(
    manager: EntityManager | DataSource,
    organizationId: string,
    reportId: string,
  ): Promise<{ approvedTotalMinor: bigint; advancesTotalMinor: bigint; balanceMinor: bigint; baseCurrency: string }> {
    const tx = manager instanceof EntityManager ? manager : manager.manager;
    // One after the other: in a transaction every statement goes over its one connection anyway.
    const baseCurrency = await this.organizations.baseCurrency(tx, organizationId);
    const lines = await this.lines.of(organizationId, [reportId], tx);
    const advances = await this.advances.of(tx, organizationId, [reportId]);
    const { approvedMinor } = totalsOf(lines, baseCurrency);
    const { advancesTotalMinor, balanceMinor } = offsetOf(approvedMinor, advances);
    return { approvedTotalMinor: approvedMinor, advancesTotalMinor, balanceMinor, baseCurrency };
  }
}
