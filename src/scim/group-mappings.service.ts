import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { AppConfig } from '../config/app-config';
import { TeamsService } from '../users/teams.service';
import { PutGroupMappingsDto, ScimSettingsDto } from './dto/group-mapping.dto';
import { DEFAULT_ROLE, GroupMapping } from './group-mapping';
import { ScimGroupsRepository } from './scim-groups.repository';
import { ScimMappingErrors } from './scim.errors';
import { scimBaseUrl } from './scim.mapper';
import { SCIM_SCOPE } from './scim-http';

/** The admin's side of SCIM: the base URL to configure, and how groups map to teams and roles. */
@Injectable()
export class GroupMappingsService {
  private readonly base: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: ScimGroupsRepository,
    private readonly teams: TeamsService,
    private readonly mapping: GroupMapping,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.base = scimBaseUrl(config.publicUrl);
  }

  async get(actor: Actor): Promise<ScimSettingsDto> {
    const mappings = await this.groups.mappings(this.dataSource.manager, actor.organizationId);
    return {
      base_url: this.base,
      required_scope: SCIM_SCOPE,
      default_role: DEFAULT_ROLE,
      group_mappings: mappings.map((m) => ({ group: m.displayName, team_id: m.teamId, role: m.role })),
    };
  }

  /**
   * Replaces every mapping, then applies them to everyone in a SCIM group, in one transaction:
   * the teams and roles of the organization follow the new mappings at once.
   */
  async replace(actor: Actor, dto: PutGroupMappingsDto): Promise<ScimSettingsDto> {
    const seen = new Set<string>();
    dto.mappings.forEach((m, index) => {
      const field = `mappings[${index}]`;
      if (seen.has(m.group.toLowerCase()))
        throw ScimMappingErrors.SCIM_MAPPING_DUPLICATE(`${m.group} is mapped twice`, {
          errors: [{ field: `${field}.group`, message: 'is mapped already' }],
        });
      seen.add(m.group.toLowerCase());
      if (!m.team_id && !m.role)
        throw ScimMappingErrors.SCIM_MAPPING_EMPTY(`${m.group} maps to neither a team nor a role`, {
          errors: [{ field, message: 'needs a team_id, a role or both' }],
        });
    });
    await this.dataSource.transaction(async (tx) => {
      for (const [index, m] of dto.mappings.entries()) {
        if (m.team_id && !(await this.teams.exists(tx, actor.organizationId, m.team_id)))
          throw ScimMappingErrors.SCIM_MAPPING_TEAM_NOT_FOUND(`Team ${m.team_id} does not exist`, {
            errors: [{ field: `mappings[${index}].team_id`, message: 'must name a team of this organization' }],
          });
      }
      const before = await this.groups.mappings(tx, actor.organizationId);
      const after = dto.mappings.map((m) => ({
        displayName: m.group,
        teamId: m.team_id ?? null,
        role: m.role ?? null,
      }));
      await this.groups.replaceMappings(tx, actor.organizationId, after);
      await this.audit.record(tx, actor, {
        action: 'scim.group_mappings_changed',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: { from: before, to: after },
      });
      // Teams the old mappings named are managed no more, but their members stay until changed by hand.
      await this.mapping.apply(tx, actor, await this.groups.groupedUsers(tx, actor.organizationId));
    });
    return this.get(actor);
  }
}
