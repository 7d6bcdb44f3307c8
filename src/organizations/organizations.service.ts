import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { OrganizationResponseDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationSettings } from './organization.entity';
import { toOrganizationResponse } from './organization.mapper';
import { OrganizationErrors } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<OrganizationResponseDto> {
    const organization = await this.organizations.findById(actor.organizationId);
    if (!organization)
      throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${actor.organizationId} does not exist`);
    return toOrganizationResponse(organization);
  }

  /**
   * The organization's base currency, read through the caller's transaction: a use case must
   * never wait for a second pool connection while holding one (enough of them deadlock the pool).
   * Read on every spend that is created or edited.
   */
  async baseCurrency(tx: EntityManager, organizationId: string): Promise<string> {
    const baseCurrency = await this.organizations.baseCurrency(tx, organizationId);
    if (baseCurrency === null)
      throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${organizationId} does not exist`);
    return baseCurrency;
  }

  /** The organization's settings, read through the caller's transaction (empty for an unknown organization). */
  async settings(tx: EntityManager, organizationId: string): Promise<OrganizationSettings> {
    return (await this.organizations.settings(tx, organizationId)) ?? {};
  }

  async update(actor: Actor, dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    const organization = await this.dataSource.transaction(async (tx) => {
      const current = await this.organizations.lockById(tx, actor.organizationId);
      if (!current)
        throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${actor.organizationId} does not exist`);
      const before = { ...current, settings: { ...current.settings } };
      current.name = dto.name ?? current.name;
      current.baseCurrency = dto.base_currency ?? current.baseCurrency;
      if (dto.settings) {
        // The DTO instance carries every declared key, unsent ones as undefined: only sent keys merge.
        const merged: Record<string, unknown> = { ...current.settings };
        for (const [key, value] of Object.entries(dto.settings)) {
          if (value === null) delete merged[key];
          else if (value !== undefined) merged[key] = value;
        }
        current.settings = merged;
      }
      current.updatedAt = await this.organizations.update(tx, current);
      await this.audit.record(tx, actor, {
        action: 'organization.updated',
        entityType: 'organization',
        entityId: current.id,
        metadata: { changes: diff(before, current, ['name', 'baseCurrency', 'settings']) },
      });
      return current;
    });
    return toOrganizationResponse(organization);
  }
}
