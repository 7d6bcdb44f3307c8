import { Injectable } from '@nestjs/common';
import type { OperatorActor } from '../common/auth/operator';
import { BootstrapService } from '../organizations/bootstrap.service';
import { Organization } from '../organizations/organization.entity';
import { OrganizationSuspension } from '../organizations/organization-suspension';
import {
  CreatedOrganizationDto,
  CreateOrganizationDto,
  OperatorOrganizationDto,
  OperatorOrganizationListDto,
} from './dto/operator.dto';
import { OperatorErrors } from './operators.errors';

/**
 * The operator's view of the organizations: what they are called, whether they are suspended,
 * how many users they have. Never a spend, a report or an amount: an operator who must see an
 * organization's data needs a role in it, like anyone else.
 */
@Injectable()
export class OperatorOrganizations {
  constructor(
    private readonly bootstrap: BootstrapService,
    private readonly suspension: OrganizationSuspension,
  ) {}

  /** A new organization with its first admin, through the same use case as the CLI's bootstrap. */
  async create(operator: OperatorActor, dto: CreateOrganizationDto): Promise<CreatedOrganizationDto> {
    const generated = dto.password === undefined ? BootstrapService.generatePassword(dto.email) : undefined;
    const result = await this.bootstrap.bootstrap({
      organizationName: dto.name,
      baseCurrency: dto.base_currency.toUpperCase(),
      adminEmail: dto.email,
      adminPassword: dto.password ?? generated!,
      adminFullName: dto.full_name,
      mustChangePassword: generated !== undefined,
      createdBy: { operatorId: operator.operatorId, email: operator.email },
    });
    if (!result.created) {
      throw OperatorErrors.ORGANIZATION_EXISTS(`Organization "${dto.name}" with admin ${dto.email} exists already`);
    }
    const organization = await this.suspension.overview(result.organizationId);
    return {
      ...toOperatorOrganization(organization, organization.userCount),
      admin: { id: result.adminId, email: dto.email.toLowerCase(), must_change_password: generated !== undefined },
      ...(generated !== undefined ? { admin_password: generated } : {}),
    };
  }

  async list(): Promise<OperatorOrganizationListDto> {
    const organizations = await this.suspension.list();
    return { items: organizations.map((o) => toOperatorOrganization(o, o.userCount)) };
  }

  async suspend(operator: OperatorActor, id: string, reason: string | null): Promise<OperatorOrganizationDto> {
    await this.suspension.suspend(operator, id, reason);
    return this.one(id);
  }

  async resume(operator: OperatorActor, id: string): Promise<OperatorOrganizationDto> {
    await this.suspension.resume(operator, id);
    return this.one(id);
  }

  private async one(id: string): Promise<OperatorOrganizationDto> {
    const organization = await this.suspension.overview(id);
    return toOperatorOrganization(organization, organization.userCount);
  }
}

function toOperatorOrganization(organization: Organization, userCount: number): OperatorOrganizationDto {
  return {
    id: organization.id,
    name: organization.name,
    base_currency: organization.baseCurrency,
    status: organization.suspendedAt ? 'suspended' : 'active',
    suspended_at: organization.suspendedAt?.toISOString() ?? null,
    suspension_reason: organization.suspensionReason,
    user_count: userCount,
    created_at: organization.createdAt.toISOString(),
  };
}
