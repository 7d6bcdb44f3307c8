import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrganizationsService } from '../organizations/organizations.service';
import { ReportLines } from '../spends/report-lines';

/**
 * The balance of an expense report: what paying it reimburses its owner, in the organization's
 * base currency (integer minor units). `approvedTotalMinor` sums the base amounts of the
 * report's approved lines; `advancesTotalMinor` (cash advances settled against the report) is
 * none yet; `balanceMinor` is the first less the second. Read in the caller's transaction (a
 * payout batch's, after it locked the report) or outside one.
 */
@Injectable()
export class ReportBalance {
  constructor(
    private readonly lines: ReportLines,
    private readonly organizations: OrganizationsService,
  ) {}

  async of(
    manager: EntityManager | DataSource,
    organizationId: string,
    reportId: string,
  ): Promise<{ approvedTotalMinor: bigint; advancesTotalMinor: bigint; balanceMinor: bigint; baseCurrency: string }> {
    const tx = manager instanceof DataSource ? manager.manager : manager;
    const lines = await this.lines.of(organizationId, [reportId], tx);
    const approvedTotalMinor = lines
      .filter((l) => l.status === 'approved')
      .reduce((sum, l) => sum + BigInt(l.baseAmountMinor), 0n);
    const advancesTotalMinor = 0n;
    return {
      approvedTotalMinor,
      advancesTotalMinor,
      balanceMinor: approvedTotalMinor - advancesTotalMinor,
      baseCurrency: await this.organizations.baseCurrency(tx, organizationId),
    };
  }
}
