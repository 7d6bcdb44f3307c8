import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement } from '../database/sql';
import { Team } from './team.entity';

export interface TeamWithMembers {
  team: Team;
  memberIds: string[];
}

/** Teams and their members, always scoped by organization id (passed first). */
@Injectable()
export class TeamsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    organizationId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<Team | null> {
    const [row] = await runSql<TeamRow>(tx, FIND_BY_ID, [organizationId, id]);
    return row ? toTeam(row) : null;
  }

  /** Whether the team exists in the organization and the user is one of its members or its lead. */
  async hasMemberOrLead(
    organizationId: string,
    teamId: string,
    userId: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const rows = await runSql(tx, HAS_MEMBER_OR_LEAD, [organizationId, teamId, userId]);
    return rows.length > 0;
  }

  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<Team | null> {
    const [row] = await runSql<TeamRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toTeam(row) : null;
  }

  async list(
    organizationId: string,
    page: { limit: number; offset: number; cursor?: string },
  ): Promise<Page<TeamWithMembers>> {
    const [{ n: total }] = await runSql<{ n: number }>(this.dataSource, COUNT, [organizationId]);
    let rows: TeamRow[];
    if (page.cursor) {
      const [name, id] = decodeCursor(page.cursor, ['string', 'uuid']);
      rows = await runSql<TeamRow>(this.dataSource, PAGE_AFTER, [organizationId, name, id, page.limit]);
    } else {
      rows = await runSql<TeamRow>(this.dataSource, PAGE_AT, [organizationId, page.limit, page.offset]);
    }
    const teams = rows.map(toTeam);
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
    const rows = await runSql<{ team_id: string; user_id: string }>(tx, MEMBER_IDS, [organizationId, teamIds]);
    for (const row of rows) result.get(row.team_id)?.push(row.user_id);
    return result;
  }

  /** The teams the user leads, with their members. */
  async ledBy(organizationId: string, userId: string): Promise<TeamWithMembers[]> {
    const teams = (await runSql<TeamRow>(this.dataSource, LED_BY, [organizationId, userId])).map(toTeam);
    const members = await this.memberIds(
      organizationId,
      teams.map((t) => t.id),
    );
    return teams.map((team) => ({ team, memberIds: members.get(team.id) ?? [] }));
  }

  async insert(tx: EntityManager, team: Pick<Team, 'organizationId' | 'name' | 'leadId'>): Promise<Team> {
    const [row] = await runSql<TeamRow>(tx, INSERT, [team.organizationId, team.name, team.leadId]);
    return toTeam(row);
  }

  /** Writes the team's name and lead; answers the new `updated_at`. */
  async update(tx: EntityManager, team: Team): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, UPDATE, [
      team.organizationId,
      team.id,
      team.name,
      team.leadId,
    ]);
    return row.updated_at;
  }

  async addMember(tx: EntityManager, organizationId: string, teamId: string, userId: string): Promise<boolean> {
    return (await runSql(tx, ADD_MEMBER, [organizationId, teamId, userId])).length > 0;
  }

  async removeMember(tx: EntityManager, organizationId: string, teamId: string, userId: string): Promise<boolean> {
    return (await runSql(tx, REMOVE_MEMBER, [organizationId, teamId, userId])).length > 0;
  }
}

interface TeamRow {
  id: string;
  organization_id: string;
  name: string;
  lead_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const TEAM_COLUMNS = 'id, organization_id, name, lead_id, created_at, updated_at';

function toTeam(row: TeamRow): Team {
  return Object.assign(new Team(), {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    leadId: row.lead_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const FIND_BY_ID: Statement = {
  name: 'teams.by_id',
  text: `SELECT ${TEAM_COLUMNS} FROM teams WHERE organization_id = $1 AND id = $2`,
};
const LOCK_BY_ID: Statement = {
  name: 'teams.lock_by_id',
  text: `SELECT ${TEAM_COLUMNS} FROM teams WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};
const HAS_MEMBER_OR_LEAD: Statement = {
  name: 'teams.has_member_or_lead',
  text: `SELECT 1 FROM teams t WHERE t.organization_id = $1 AND t.id = $2
         AND (t.lead_id = $3 OR EXISTS (SELECT 1 FROM team_members m WHERE m.organization_id = t.organization_id AND m.team_id = t.id AND m.user_id = $3))`,
};
const COUNT: Statement = {
  name: 'teams.count',
  text: 'SELECT count(*)::int AS n FROM teams WHERE organization_id = $1',
};
const PAGE_AT: Statement = {
  name: 'teams.page_at',
  text: `SELECT ${TEAM_COLUMNS} FROM teams WHERE organization_id = $1 ORDER BY lower(name), id LIMIT $2 OFFSET $3`,
};
const PAGE_AFTER: Statement = {
  name: 'teams.page_after',
  text: `SELECT ${TEAM_COLUMNS} FROM teams WHERE organization_id = $1 AND (lower(name), id) > ($2, $3)
         ORDER BY lower(name), id LIMIT $4`,
};
const MEMBER_IDS: Statement = {
  name: 'teams.member_ids',
  text: 'SELECT team_id, user_id FROM team_members WHERE organization_id = $1 AND team_id = ANY($2) ORDER BY created_at',
};
const LED_BY: Statement = {
  name: 'teams.led_by',
  text: `SELECT ${TEAM_COLUMNS} FROM teams WHERE organization_id = $1 AND lead_id = $2`,
};
const INSERT: Statement = {
  name: 'teams.insert',
  text: `INSERT INTO teams (organization_id, name, lead_id) VALUES ($1, $2, $3) RETURNING ${TEAM_COLUMNS}`,
};
const UPDATE: Statement = {
  name: 'teams.update',
  text: `UPDATE teams SET name = $3, lead_id = $4, updated_at = now() WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
const ADD_MEMBER: Statement = {
  name: 'teams.add_member',
  text: `INSERT INTO team_members (organization_id, team_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING team_id`,
};
const REMOVE_MEMBER: Statement = {
  name: 'teams.remove_member',
  text: 'DELETE FROM team_members WHERE organization_id = $1 AND team_id = $2 AND user_id = $3 RETURNING team_id',
};
