import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { Page } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { CreateTeamDto, ListTeamsQuery, TeamResponseDto, UpdateTeamDto } from './dto/team.dto';
import { Team } from './team.entity';
import { TeamsRepository } from './teams.repository';
import { TeamErrors } from './users.errors';
import { UsersRepository } from './users.repository';

@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly teams: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, query: ListTeamsQuery): Promise<Page<TeamResponseDto>> {
    const page = await this.teams.list(actor.organizationId, query);
    return { ...page, items: page.items.map(({ team, memberIds }) => toTeamResponse(team, memberIds)) };
  }

  async get(actor: Actor, id: string): Promise<TeamResponseDto> {
    const team = await this.teams.findById(actor.organizationId, id);
    if (!team) throw TeamErrors.TEAM_NOT_FOUND(`Team ${id} does not exist`);
    return this.respond(team);
  }

  async create(actor: Actor, dto: CreateTeamDto): Promise<TeamResponseDto> {
    const team = await this.dataSource.transaction(async (tx) => {
      if (dto.lead_id) await this.assertUser(tx, actor.organizationId, dto.lead_id, 'lead_id');
      for (const memberId of dto.member_ids ?? [])
        await this.assertUser(tx, actor.organizationId, memberId, 'member_ids');
      const created = await this.named(dto.name, () =>
        this.teams.insert(tx, { organizationId: actor.organizationId, name: dto.name, leadId: dto.lead_id ?? null }),
      );
      for (const memberId of dto.member_ids ?? [])
        await this.teams.addMember(tx, actor.organizationId, created.id, memberId);
      await this.audit.record(tx, actor, {
        action: 'team.created',
        entityType: 'team',
        entityId: created.id,
        metadata: { name: created.name, lead_id: created.leadId, member_ids: dto.member_ids ?? [] },
      });
      return created;
    });
    return this.respond(team);
  }

  async update(actor: Actor, id: string, dto: UpdateTeamDto): Promise<TeamResponseDto> {
    const team = await this.dataSource.transaction(async (tx) => {
      const current = await this.lockOrFail(tx, actor.organizationId, id);
      const before = { ...current };
      if (dto.lead_id) await this.assertUser(tx, actor.organizationId, dto.lead_id, 'lead_id');
      current.name = dto.name ?? current.name;
      current.leadId = dto.lead_id === undefined ? current.leadId : dto.lead_id;
      current.updatedAt = await this.named(current.name, () => this.teams.update(tx, current));
      await this.audit.record(tx, actor, {
        action: 'team.updated',
        entityType: 'team',
        entityId: id,
        metadata: { changes: diff(before, current, ['name', 'leadId']) },
      });
      return current;
    });
    return this.respond(team);
  }

  async addMember(actor: Actor, teamId: string, userId: string): Promise<TeamResponseDto> {
    return this.changeMembership(actor, teamId, userId, 'add');
  }

  async removeMember(actor: Actor, teamId: string, userId: string): Promise<TeamResponseDto> {
    return this.changeMembership(actor, teamId, userId, 'remove');
  }

  /**
   * Makes the user a member of the team or not, in the caller's transaction (SCIM group
   * mappings: scim/group-mapping.ts). Idempotent and audited like the routes; a deactivated
   * user is never added. Answers whether anything changed; false for a team that is gone.
   */
  async setMembershipInTransaction(
    tx: EntityManager,
    actor: Actor | SystemActor,
    teamId: string,
    userId: string,
    member: boolean,
  ): Promise<boolean> {
    if (!(await this.teams.lockById(tx, actor.organizationId, teamId))) return false;
    const user = await this.users.findById(actor.organizationId, userId, tx);
    if (!user || (member && !user.isActive)) return false;
    const changed = member
      ? await this.teams.addMember(tx, actor.organizationId, teamId, userId)
      : await this.teams.removeMember(tx, actor.organizationId, teamId, userId);
    if (changed) {
      await this.audit.record(tx, actor, {
        action: member ? 'team.member_added' : 'team.member_removed',
        entityType: 'team',
        entityId: teamId,
        metadata: { user_id: userId },
      });
    }
    return changed;
  }

  /** Whether the team exists in the organization. */
  async exists(tx: EntityManager, organizationId: string, teamId: string): Promise<boolean> {
    return (await this.teams.findById(organizationId, teamId, tx)) !== null;
  }

  /** Idempotent: adding a member twice or removing a non-member changes (and audits) nothing. */
  private async changeMembership(
    actor: Actor,
    teamId: string,
    userId: string,
    change: 'add' | 'remove',
  ): Promise<TeamResponseDto> {
    const team = await this.dataSource.transaction(async (tx) => {
      const current = await this.lockOrFail(tx, actor.organizationId, teamId);
      const user = await this.users.findById(actor.organizationId, userId, tx);
      if (!user) throw TeamErrors.MEMBER_NOT_FOUND(`User ${userId} does not exist`);
      // A deactivated user can still be taken out of a team, never put into one.
      if (change === 'add' && !user.isActive)
        throw TeamErrors.MEMBER_INACTIVE(`User ${userId} is deactivated and cannot join a team`);
      const changed =
        change === 'add'
          ? await this.teams.addMember(tx, actor.organizationId, teamId, userId)
          : await this.teams.removeMember(tx, actor.organizationId, teamId, userId);
      if (changed) {
        await this.audit.record(tx, actor, {
          action: change === 'add' ? 'team.member_added' : 'team.member_removed',
          entityType: 'team',
          entityId: teamId,
          metadata: { user_id: userId },
        });
      }
      return current;
    });
    return this.respond(team);
  }

  private async lockOrFail(tx: EntityManager, organizationId: string, id: string): Promise<Team> {
    const team = await this.teams.lockById(tx, organizationId, id);
    if (!team) throw TeamErrors.TEAM_NOT_FOUND(`Team ${id} does not exist`);
    return team;
  }

  private async assertUser(tx: EntityManager, organizationId: string, userId: string, field: string): Promise<void> {
    const user = await this.users.findById(organizationId, userId, tx);
    if (!user || !user.isActive) {
      throw TeamErrors.TEAM_USER_NOT_FOUND(`${field}: ${userId} is not an active user of this organization`, {
        errors: [{ field, message: 'must name an active user of this organization' }],
      });
    }
  }

  /** Runs a write of the team's name, answering a taken name as the client's conflict. */
  private async named<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'teams_org_name_key'))
        throw TeamErrors.TEAM_NAME_TAKEN(`A team named "${name}" already exists`);
      throw error;
    }
  }

  private async respond(team: Team): Promise<TeamResponseDto> {
    const members = await this.teams.memberIds(team.organizationId, [team.id]);
    return toTeamResponse(team, members.get(team.id) ?? []);
  }
}

function toTeamResponse(team: Team, memberIds: string[]): TeamResponseDto {
  return {
    id: team.id,
    name: team.name,
    lead_id: team.leadId,
    member_ids: memberIds,
    created_at: team.createdAt.toISOString(),
  };
}
