import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { OperatorActor } from '../common/auth/operator';
import { Organization } from './organization.entity';
import { OrganizationErrors } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';

export type OrganizationOverview = Organization & { userCount: number };

/**
 * What the installation's operator does to organizations, beside creating them
 * (BootstrapService): list them, suspend and resume them. A suspended organization's users,
 * tokens and inbound webhooks are refused (403 ORGANIZATION_SUSPENDED) wherever they are
 * checked: the bearer credential, login, refresh, the identity provider's events. The
 * organization's own audit log records each suspension and resumption with the operator's id
 * and e-mail (`actor_type: operator`); the entries have no user as actor.
 */
@Injectable()
export class OrganizationSuspension {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<OrganizationOverview[]> {
    return this.organizations.listWithUserCounts();
  }

  async overview(organizationId: string): Promise<OrganizationOverview> {
    const [organization] = await this.organizations.listWithUserCounts(organizationId);
    if (!organization) throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${organizationId} does not exist`);
    return organization;
  }

  /** Read through the caller's transaction when it has one (never a second pool connection). */
  isSuspended(organizationId: string, tx?: EntityManager): Promise<boolean> {
    return this.organizations.isSuspended(organizationId, tx);
  }

  /** Idempotent: suspending a suspended organization changes nothing (the first reason stands). */
  suspend(operator: OperatorActor, organizationId: string, reason: string | null): Promise<Organization> {
    return this.change(operator, organizationId, true, reason);
  }

  /** Idempotent: resuming an organization that is not suspended changes nothing. */
  resume(operator: OperatorActor, organizationId: string): Promise<Organization> {
    return this.change(operator, organizationId, false, null);
  }

  private change(
    operator: OperatorActor,
    organizationId: string,
    suspend: boolean,
    reason: string | null,
  ): Promise<Organization> {
    return this.dataSource.transaction(async (tx) => {
      const organization = await this.organizations.lockById(tx, organizationId);
      if (!organization)
        throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${organizationId} does not exist`);
      if ((organization.suspendedAt !== null) === suspend) return organization;
      organization.updatedAt = await this.organizations.setSuspension(
        tx,
        organizationId,
        suspend ? { reason, operatorId: operator.operatorId } : null,
      );
      organization.suspendedAt = suspend ? organization.updatedAt : null;
      organization.suspensionReason = suspend ? reason : null;
      await this.audit.record(
        tx,
        { organizationId, operatorId: operator.operatorId, requestId: operator.requestId, ip: operator.ip },
        {
          action: suspend ? 'organization.suspended' : 'organization.resumed',
          entityType: 'organization',
          entityId: organizationId,
          metadata: {
            operatorEmail: operator.email,
            ...(suspend ? { reason } : {}),
          },
        },
      );
      return organization;
    });
  }
}
