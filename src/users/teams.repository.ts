import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { TeamMember } from './team-member.entity';
import { Team } from './team.entity';

export interface TeamWithMembers {
  team: Team;
  memberIds: string[];
}

/** Teams and their members, always scoped by organization id (passed first). */
@Injectable()
export class TeamsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(organizationId: string, id: string, tx: EntityManager = this.dataSource.manager): Promise<Team | null> {
    return tx.findOneBy(Team, { organizationId, id });
  }

  /** Whether the team exists in the organization and the user is one of its members or its lead. */
  async hasMemberOrLead(
    organizationId: string,
    teamId: string,
    userId: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM teams t WHERE t.organization_id = $1 AND t.id = $2
         AND (t.lead_id = $3 OR EXISTS (SELECT 1 FROM team_members m WHERE m.organization_id = t.organization_id AND m.team_id = t.id AND m.user_id = $3))`,
      [organizationId, teamId, userId],
    );
    return rows.length > 0;
  }

  lockById(tx: EntityManager, organizationId: string, id: string): Promise<Team | null> {
    return tx
      .getRepository(Team)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.organization_id = :organizationId AND t.id = :id', { organizationId, id })
      .getOne();
  }

  async list(
    organizationId: string,
    page: { limit: number; offset: number; cursor?: string },
  ): Promise<Page<TeamWithMembers>> {
    const query = this.dataSource.manager
      .getRepository(Team)
      .createQueryBuilder('t')
      .where('t.organization_id = :organizationId', { organizationId });
    const total = await countMatches(query);
    if (page.cursor) {
      const [name, id] = decodeCursor(page.cursor, ['string', 'uuid']);
      query.andWhere('(lower(t.name), t.id) > (:name, :id)', { name, id });
    } else {
      query.offset(page.offset);
    }
    const teams = await query.orderBy('lower(t.name)', 'ASC').addOrderBy('t.id', 'ASC').limit(page.limit).getMany();
    const members = await this.memberIds(
      organizationId,
      teams.map((t) => t.id),
    );
    const result = toPage(teams, total, page, (last) => [last.name.toLowerCase(), last.id]);
    return { ...result, items: teams.map((team) => ({ team, memberIds: members.get(team.id) ?? [] })) };
  }

  async memberIds(
    organizationId: string,
    teamIds: string[],
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(teamIds.map((id) => [id, []]));
    if (teamIds.length === 0) return result;
    const rows = await tx
      .getRepository(TeamMember)
      .createQueryBuilder('m')
      .where('m.organization_id = :organizationId AND m.team_id IN (:...teamIds)', { organizationId, teamIds })
      .orderBy('m.created_at', 'ASC')
      .getMany();
    for (const row of rows) result.get(row.teamId)?.push(row.userId);
    return result;
  }

  /** The teams the user leads, with their members. */
  async ledBy(organizationId: string, userId: string): Promise<TeamWithMembers[]> {
    const teams = await this.dataSource.manager.findBy(Team, { organizationId, leadId: userId });
    const members = await this.memberIds(
      organizationId,
      teams.map((t) => t.id),
    );
    return teams.map((team) => ({ team, memberIds: members.get(team.id) ?? [] }));
  }

  async addMember(tx: EntityManager, organizationId: string, teamId: string, userId: string): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(TeamMember)
      .values({ organizationId, teamId, userId })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async removeMember(tx: EntityManager, organizationId: string, teamId: string, userId: string): Promise<boolean> {
    const result = await tx.delete(TeamMember, { organizationId, teamId, userId });
    return (result.affected ?? 0) > 0;
  }
}
