import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { isUniqueViolation } from '../database/pg-errors';
import { runSql, Statement, variant } from '../database/sql';
import type { User } from '../users/user.entity';
import { toUser, userColumns, UserRow } from '../users/user.row';
import type { Equality } from './core/scim-filter';
import type { UserFilterAttribute } from './core/scim-user';
import { ScimErrors } from './scim.errors';

/** A Spendin user with what SCIM keeps beside it. */
export interface ScimUserRecord {
  user: User;
  /** As the provider sent it; null for a user made in Spendin (their userName is their e-mail). */
  userName: string | null;
  givenName: string | null;
  familyName: string | null;
  roleFromGroups: Role | null;
  groups: Array<{ id: string; displayName: string }>;
}

type Row = UserRow & {
  scim_user_name: string | null;
  given_name: string | null;
  family_name: string | null;
  role_from_groups: Role | null;
};

/** Each filter attribute's test, with `$` standing for its parameter. */
const CONDITIONS: Record<UserFilterAttribute, string> = {
  userName: 'lower(coalesce(s.user_name, u.email)) = lower($)',
  externalId: 'u.external_id = $',
  email: 'u.email = lower($)',
  id: 'u.id = $::uuid',
  active: "u.is_active = ($ = 'true')",
};

/**
 * Reads `users` (owned by the users module, read-only here: every write goes through
 * UsersService) joined with `scim_users`, and writes `scim_users`. Scoped by organization,
 * passed first; a user SCIM deleted is never found.
 */
@Injectable()
export class ScimUsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    organizationId: string,
    filter: Array<Equality<UserFilterAttribute>>,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; items: ScimUserRecord[] }> {
    const values: unknown[] = [organizationId];
    const where = ['u.organization_id = $1', 's.deleted_at IS NULL'];
    for (const { attribute, value } of filter) {
      values.push(value);
      where.push(CONDITIONS[attribute].replace('$', `$${values.length}`));
    }
    const from = `FROM users u LEFT JOIN scim_users s ON s.organization_id = u.organization_id AND s.user_id = u.id WHERE ${where.join(' AND ')}`;
    const [{ n }] = await runSql<{ n: number }>(
      this.dataSource,
      variant('scim_users.count', `SELECT count(*)::int AS n ${from}`),
      values,
    );
    const rows = await runSql<Row>(
      this.dataSource,
      variant(
        'scim_users.list',
        `SELECT ${SELECT} ${from} ORDER BY u.created_at, u.id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      ),
      [...values, page.limit, page.offset],
    );
    return { total: n, items: await this.withGroups(this.dataSource.manager, organizationId, rows) };
  }

  async find(tx: EntityManager, organizationId: string, userId: string): Promise<ScimUserRecord | null> {
    const rows = await runSql<Row>(tx, FIND, [organizationId, userId]);
    return rows.length === 0 ? null : (await this.withGroups(tx, organizationId, rows))[0];
  }

  /** The visible user whose userName this is (any case), other than `exceptId`. */
  async userNameTaken(
    tx: EntityManager,
    organizationId: string,
    userName: string,
    exceptId: string | null,
  ): Promise<boolean> {
    const [row] = await runSql<{ taken: boolean }>(tx, USER_NAME_TAKEN, [organizationId, userName, exceptId]);
    return row.taken;
  }

  /** A user SCIM deleted, by e-mail: a provider creating them again brings them back. */
  async findDeletedByEmail(tx: EntityManager, organizationId: string, email: string): Promise<string | null> {
    const [row] = await runSql<{ user_id: string }>(tx, DELETED_BY_EMAIL, [organizationId, email.toLowerCase()]);
    return row?.user_id ?? null;
  }

  async upsert(
    tx: EntityManager,
    organizationId: string,
    userId: string,
    fields: { userName: string; givenName: string | null; familyName: string | null },
  ): Promise<void> {
    try {
      await runSql(tx, UPSERT, [organizationId, userId, fields.userName, fields.givenName, fields.familyName]);
    } catch (error) {
      // Two requests racing for one userName: the second is the client's conflict, not a 500.
      if (isUniqueViolation(error, 'scim_users_user_name_key'))
        throw ScimErrors.SCIM_UNIQUENESS(`userName ${fields.userName} is already in use`);
      throw error;
    }
  }

  async setRoleFromGroups(tx: EntityManager, organizationId: string, userId: string, role: Role | null): Promise<void> {
    await runSql(tx, SET_ROLE_FROM_GROUPS, [organizationId, userId, role]);
  }

  /** Takes the user out of every SCIM group. */
  async leaveGroups(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, LEAVE_GROUPS, [organizationId, userId]);
  }

  /** Hides the user from SCIM; the Spendin user stays (deactivated, with their history). */
  async markDeleted(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, MARK_DELETED, [organizationId, userId]);
  }

  private async withGroups(db: EntityManager, organizationId: string, rows: Row[]): Promise<ScimUserRecord[]> {
    const groups = new Map<string, Array<{ id: string; displayName: string }>>(rows.map((r) => [r.id, []]));
    if (rows.length > 0) {
      const memberships = await runSql<{ user_id: string; id: string; display_name: string }>(db, GROUPS_OF, [
        organizationId,
        rows.map((r) => r.id),
      ]);
      for (const m of memberships) groups.get(m.user_id)?.push({ id: m.id, displayName: m.display_name });
    }
    return rows.map((row) => ({
      user: toUser(row),
      userName: row.scim_user_name,
      givenName: row.given_name,
      familyName: row.family_name,
      roleFromGroups: row.role_from_groups,
      groups: groups.get(row.id) ?? [],
    }));
  }
}

const SELECT = `${userColumns('u')}, s.user_name AS scim_user_name, s.given_name, s.family_name, s.role_from_groups`;
const FIND: Statement = {
  name: 'scim_users.find',
  text: `SELECT ${SELECT} FROM users u LEFT JOIN scim_users s ON s.organization_id = u.organization_id AND s.user_id = u.id
         WHERE u.organization_id = $1 AND u.id = $2 AND s.deleted_at IS NULL`,
};
const USER_NAME_TAKEN: Statement = {
  name: 'scim_users.user_name_taken',
  text: `SELECT EXISTS (
           SELECT 1 FROM users u LEFT JOIN scim_users s ON s.organization_id = u.organization_id AND s.user_id = u.id
           WHERE u.organization_id = $1 AND s.deleted_at IS NULL AND lower(coalesce(s.user_name, u.email)) = lower($2)
             AND u.id IS DISTINCT FROM $3::uuid) AS taken`,
};
const DELETED_BY_EMAIL: Statement = {
  name: 'scim_users.deleted_by_email',
  text: `SELECT s.user_id FROM scim_users s JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
         WHERE s.organization_id = $1 AND u.email = $2 AND s.deleted_at IS NOT NULL`,
};
const UPSERT: Statement = {
  name: 'scim_users.upsert',
  text: `INSERT INTO scim_users (organization_id, user_id, user_name, given_name, family_name) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organization_id, user_id) DO UPDATE
         SET user_name = $3, given_name = $4, family_name = $5, deleted_at = NULL, updated_at = now()`,
};
const SET_ROLE_FROM_GROUPS: Statement = {
  name: 'scim_users.set_role_from_groups',
  text: `INSERT INTO scim_users (organization_id, user_id, role_from_groups) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role_from_groups = $3, updated_at = now()`,
};
const MARK_DELETED: Statement = {
  name: 'scim_users.mark_deleted',
  text: `INSERT INTO scim_users (organization_id, user_id, deleted_at) VALUES ($1, $2, now())
         ON CONFLICT (organization_id, user_id) DO UPDATE SET deleted_at = now(), role_from_groups = NULL, updated_at = now()`,
};
const LEAVE_GROUPS: Statement = {
  name: 'scim_users.leave_groups',
  text: 'DELETE FROM scim_group_members WHERE organization_id = $1 AND user_id = $2',
};
const GROUPS_OF: Statement = {
  name: 'scim_users.groups_of',
  text: `SELECT m.user_id, g.id, g.display_name FROM scim_group_members m
         JOIN scim_groups g ON g.organization_id = m.organization_id AND g.id = m.group_id
         WHERE m.organization_id = $1 AND m.user_id = ANY($2) ORDER BY lower(g.display_name)`,
};
