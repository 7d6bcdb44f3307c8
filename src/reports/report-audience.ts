import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/auth/roles';
import { OrganizationsService } from '../organizations/organizations.service';
import { SpendAccess, SpendScope } from '../spends/spend-access';

/** Who a report is for: whose spends it may count, in which currency and time zone. */
export interface ReportContext {
  organizationId: string;
  /** Finance, admin and accountant: the organization; managers: their reporting line and teams (as GET /spends). */
  scope: SpendScope;
  baseCurrency: string;
  /** IANA zone of the organization's settings; UTC when unset. */
  timezone: string;
}

@Injectable()
export class ReportAudience {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly access: SpendAccess,
  ) {}

  async of(actor: Actor): Promise<ReportContext> {
    const organization = await this.organizations.get(actor);
    const scope = await this.access.scopeFor(actor);
    return {
      organizationId: actor.organizationId,
      scope,
      baseCurrency: organization.base_currency,
      timezone: organization.settings?.timezone ?? 'UTC',
    };
  }
}
