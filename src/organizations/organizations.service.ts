import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { runSql } from '../database/sql';
import { OrganizationResponseDto, UpdateOrganizationDto } from './dto/organization.dto';
import { Organization, OrganizationSettings } from './organization.entity';
import { toOrganizationResponse } from './organization.mapper';
import { OrganizationErrors } from './organizations.errors';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<OrganizationResponseDto> {
    const organization = await this.dataSource.manager.findOneBy(Organization, { id: actor.organizationId });
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
    const [organization] = await runSql<{ base_currency: string }>(tx, BASE_CURRENCY, [organizationId]);
    if (!organization) throw OrganizationErrors.ORGANIZATION_NOT_FOUND(`Organization ${organizationId} does not exist`);
    return organization.base_currency;
  }

  /** The organization's settings, read through the caller's transaction (empty for an unknown organization). */
  async settings(tx: EntityManager, organizationId: string): Promise<OrganizationSettings> {
    const [organization] = await runSql<{ settings: OrganizationSettings }>(tx, SETTINGS, [organizationId]);
    return organization?.settings ?? {};
  }

  async update(actor: Actor, dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    const organization = await this.dataSource.transaction(async (tx) => {
      const current = await tx
        .getRepository(Organization)
        .createQueryBuilder('o')
        .setLock('pessimistic_write')
        .where('o.id = :id', { id: actor.organizationId })
        .getOne();
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
      await tx.save(current);
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

export const BASE_CURRENCY = {
  name: 'organizations.base_currency',
  text: 'SELECT base_currency FROM organizations WHERE id = $1',
};
const SETTINGS = { name: 'organizations.settings', text: 'SELECT settings FROM organizations WHERE id = $1' };
