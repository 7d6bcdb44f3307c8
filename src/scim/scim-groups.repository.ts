import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { runSql, Statement, variant } from '../database/sql';
import type { Equality } from './core/scim-filter';
import type { GroupFilterAttribute } from './core/scim-user';

export interface ScimGroup {
  id: string;
  organizationId: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  members: Array<{ id: string; display: string }>;
}

export interface GroupMapping {
  displayName: string;
  teamId: string | null;
  role: Role | null;
}

interface GroupRow {
  id: string;
  organization_id: string;
  display_name: string;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const CONDITIONS: Record<GroupFilterAttribute, string> = {
  displayName: 'lower(display_name) = lower($)',
  externalId: 'external_id = $',
  id: 'id = $::uuid',
};

/** SCIM groups, their members and the admin's group mappings; scoped by organization, passed first. */
@Injectable()
export class ScimGroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    organizationId: string,
    filter: Array<Equality<GroupFilterAttribute>>,
    page: { offset: number; limit: number },
    withMembers: boolean,
  ): Promise<{ total: number; items: ScimGroup[] }> {
    const values: unknown[] = [organizationId];
    const where = ['organization_id = $1'];
    for (const { attribute, value } of filter) {
      values.push(value);
      where.push(CONDITIONS[attribute].replace('$', `$${values.length}`));
    }
    const from = `FROM scim_groups WHERE ${where.join(' AND ')}`;
    const [{ n }] = await runSql<{ n: number }>(
      this.dataSource,
      variant('scim_groups.count', `SELECT count(*)::int AS n ${from}`),
      values,
    );
    const rows = await runSql<GroupRow>(
      this.dataSource,
      variant(
        'scim_groups.list',
        `SELECT ${COLUMNS} ${from} ORDER BY created_at, id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      ),
      [...values, page.limit, page.offset],
    );
    return { total: n, items: await this.withMembers(this.dataSource.manager, organizationId, rows, withMembers) };
  }

  async find(tx: EntityManager, organizationId: string, id: string, lock = false): Promise<ScimGroup | null> {
    const rows = await runSql<GroupRow>(tx, lock ? LOCK : FIND, [organizationId, id]);
    return rows.length === 0 ? null : (await this.withMembers(tx, organizationId, rows, true))[0];
  }

  async insert(
    tx: EntityManager,
    organizationId: string,
    displayName: string,
    externalId: string | null,
  ): Promise<string> {
    const [row] = await runSql<{ id: string }>(tx, INSERT, [organizationId, displayName, externalId]);
    return row.id;
  }

  async update(
    tx: EntityManager,
    organizationId: string,
    id: string,
    displayName: string,
    externalId: string | null,
  ): Promise<void> {
    await runSql(tx, UPDATE, [organizationId, id, displayName, externalId]);
  }

  async delete(tx: EntityManager, organizationId: string, id: string): Promise<void> {
    await runSql(tx, DELETE, [organizationId, id]);
  }

  async addMember(tx: EntityManager, organizationId: string, groupId: string, userId: string): Promise<void> {
    await runSql(tx, ADD_MEMBER, [organizationId, groupId, userId]);
  }

  async removeMember(tx: EntityManager, organizationId: string, groupId: string, userId: string): Promise<void> {
    await runSql(tx, REMOVE_MEMBER, [organizationId, groupId, userId]);
  }

  /** Which of these ids are users SCIM can see (not deleted through SCIM) in the organization. */
  async visibleUsers(tx: EntityManager, organizationId: string, userIds: string[]): Promise<Set<string>> {
    const rows = await runSql<{ id: string }>(tx, VISIBLE_USERS, [organizationId, userIds]);
    return new Set(rows.map((r) => r.id));
  }

  /** The mappings of the groups a user is in. */
  async mappingsOf(tx: EntityManager, organizationId: string, userId: string): Promise<GroupMapping[]> {
    return (await runSql<MappingRow>(tx, MAPPINGS_OF, [organizationId, userId])).map(toMapping);
  }

  async mappings(tx: EntityManager, organizationId: string): Promise<GroupMapping[]> {
    return (await runSql<MappingRow>(tx, MAPPINGS, [organizationId])).map(toMapping);
  }

  async replaceMappings(tx: EntityManager, organizationId: string, mappings: GroupMapping[]): Promise<void> {
    await runSql(tx, LOCK_MAPPINGS, [organizationId]);
    await runSql(tx, DELETE_MAPPINGS, [organizationId]);
    for (const m of mappings) await runSql(tx, INSERT_MAPPING, [organizationId, m.displayName, m.teamId, m.role]);
  }

  /** Every user in some group, for recomputing roles and teams after the mappings change. */
  async groupedUsers(tx: EntityManager, organizationId: string): Promise<string[]> {
    return (await runSql<{ user_id: string }>(tx, GROUPED_USERS, [organizationId])).map((r) => r.user_id);
  }

  private async withMembers(
    db: EntityManager,
    organizationId: string,
    rows: GroupRow[],
    members: boolean,
  ): Promise<ScimGroup[]> {
    const byGroup = new Map<string, Array<{ id: string; display: string }>>(rows.map((r) => [r.id, []]));
    if (members && rows.length > 0) {
      const found = await runSql<{ group_id: string; user_id: string; full_name: string }>(db, MEMBERS, [
        organizationId,
        rows.map((r) => r.id),
      ]);
      for (const m of found) byGroup.get(m.group_id)?.push({ id: m.user_id, display: m.full_name });
    }
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      displayName: row.display_name,
      externalId: row.external_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      members: byGroup.get(row.id) ?? [],
    }));
  }
}

interface MappingRow {
  display_name: string;
  team_id: string | null;
  role: Role | null;
}
const toMapping = (r: MappingRow): GroupMapping => ({ displayName: r.display_name, teamId: r.team_id, role: r.role });

const COLUMNS = 'id, organization_id, display_name, external_id, created_at, updated_at';
const FIND: Statement = {
  name: 'scim_groups.find',
  text: `SELECT ${COLUMNS} FROM scim_groups WHERE organization_id = $1 AND id = $2`,
};
const LOCK: Statement = {
  name: 'scim_groups.lock',
  text: `SELECT ${COLUMNS} FROM scim_groups WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};
const INSERT: Statement = {
  name: 'scim_groups.insert',
  text: 'INSERT INTO scim_groups (organization_id, display_name, external_id) VALUES ($1, $2, $3) RETURNING id',
};
const UPDATE: Statement = {
  name: 'scim_groups.update',
  text: 'UPDATE scim_groups SET display_name = $3, external_id = $4, updated_at = now() WHERE organization_id = $1 AND id = $2',
};
const DELETE: Statement = {
  name: 'scim_groups.delete',
  text: 'DELETE FROM scim_groups WHERE organization_id = $1 AND id = $2',
};
const ADD_MEMBER: Statement = {
  name: 'scim_groups.add_member',
  text: `INSERT INTO scim_group_members (organization_id, group_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
};
const REMOVE_MEMBER: Statement = {
  name: 'scim_groups.remove_member',
  text: 'DELETE FROM scim_group_members WHERE organization_id = $1 AND group_id = $2 AND user_id = $3',
};
const MEMBERS: Statement = {
  name: 'scim_groups.members',
  text: `SELECT m.group_id, m.user_id, u.full_name FROM scim_group_members m
         JOIN users u ON u.organization_id = m.organization_id AND u.id = m.user_id
         WHERE m.organization_id = $1 AND m.group_id = ANY($2) ORDER BY m.created_at, m.user_id`,
};
const VISIBLE_USERS: Statement = {
  name: 'scim_groups.visible_users',
  text: `SELECT u.id FROM users u LEFT JOIN scim_users s ON s.organization_id = u.organization_id AND s.user_id = u.id
         WHERE u.organization_id = $1 AND u.id = ANY($2::uuid[]) AND s.deleted_at IS NULL`,
};
const MAPPINGS_OF: Statement = {
  name: 'scim_groups.mappings_of',
  text: `SELECT p.display_name, p.team_id, p.role FROM scim_group_members m
         JOIN scim_groups g ON g.organization_id = m.organization_id AND g.id = m.group_id
         JOIN scim_group_mappings p ON p.organization_id = g.organization_id AND lower(p.display_name) = lower(g.display_name)
         WHERE m.organization_id = $1 AND m.user_id = $2`,
};
const MAPPINGS: Statement = {
  name: 'scim_groups.mappings',
  text: 'SELECT display_name, team_id, role FROM scim_group_mappings WHERE organization_id = $1 ORDER BY lower(display_name)',
};
const LOCK_MAPPINGS: Statement = {
  name: 'scim_groups.lock_mappings',
  text: `SELECT pg_advisory_xact_lock(hashtextextended('scim-mappings:' || $1, 0))`,
};
const DELETE_MAPPINGS: Statement = {
  name: 'scim_groups.delete_mappings',
  text: 'DELETE FROM scim_group_mappings WHERE organization_id = $1',
};
const INSERT_MAPPING: Statement = {
  name: 'scim_groups.insert_mapping',
  text: 'INSERT INTO scim_group_mappings (organization_id, display_name, team_id, role) VALUES ($1, $2, $3, $4)',
};
const GROUPED_USERS: Statement = {
  name: 'scim_groups.grouped_users',
  text: 'SELECT DISTINCT user_id FROM scim_group_members WHERE organization_id = $1 ORDER BY user_id',
};
