import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql } from '../database/sql';
import { User } from './user.entity';

/** A user that a login's e-mail names, with their organization's name (for a choice between several). */
export interface LoginCandidate {
  user: User;
  organizationName: string;
}

export interface UserFilter {
  role?: Role;
  isActive?: boolean;
  /** Case-insensitive substring of e-mail or full name. */
  q?: string;
  limit: number;
  offset: number;
  cursor?: string;
}

/**
 * Every query here is scoped by organization id, passed first. The only exceptions are the
 * lookups that establish who a caller is (by e-mail at login), which say so.
 */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    organizationId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<User | null> {
    const [row] = await runSql<UserRow>(tx, FIND_BY_ID, [organizationId, id]);
    return row ? toUser(row) : null;
  }

  /**
   * The user's manager as named by `manager_id` (null when there is none, or the user does not
   * exist), read in one statement: approval chains ask this on every submission.
   */
  async managerOf(
    tx: EntityManager,
    organizationId: string,
    userId: string,
  ): Promise<{ managerId: string; manager: User | null } | null> {
    const [row] = await runSql<UserRow & { manager_id_of_user: string | null }>(tx, FIND_MANAGER_OF, [
      organizationId,
      userId,
    ]);
    if (!row?.manager_id_of_user) return null;
    return { managerId: row.manager_id_of_user, manager: row.id ? toUser(row) : null };
  }

  /** Row-locked read for a change that depends on the user's current state. */
  lockById(tx: EntityManager, organizationId: string, id: string): Promise<User | null> {
    return tx
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.organization_id = :organizationId AND u.id = :id', { organizationId, id })
      .getOne();
  }

  /**
   * Stores the user's own new password hash, clears an admin's demand for one, and moves the
   * token version on, so that every access token issued before stops working; answers the new
   * version.
   */
  async setPassword(tx: EntityManager, organizationId: string, id: string, passwordHash: string): Promise<number> {
    const [row] = await runSql<{ token_version: number }>(tx, SET_PASSWORD, [organizationId, id, passwordHash]);
    return row.token_version;
  }

  /**
   * Unscoped on purpose unless `organizationId` is given: login may know only the e-mail, which
   * is unique within an organization, so it can name one user in each of several. Oldest first.
   */
  async findLoginCandidates(email: string, organizationId?: string): Promise<LoginCandidate[]> {
    const rows =
      organizationId === undefined
        ? await runSql<UserRow & { organization_name: string }>(this.dataSource, LOGIN_CANDIDATES, [
            email.toLowerCase(),
          ])
        : await runSql<UserRow & { organization_name: string }>(this.dataSource, LOGIN_CANDIDATE_IN, [
            email.toLowerCase(),
            organizationId,
          ]);
    return rows.map((row) => ({ user: toUser(row), organizationName: row.organization_name }));
  }

  /** A user of the organization by its identity provider's id (unique in the organization), else by e-mail. */
  async findByIdentity(
    tx: EntityManager,
    organizationId: string,
    ref: { externalId?: string; email?: string },
  ): Promise<User | null> {
    if (ref.externalId !== undefined) {
      const linked = await tx.findOneBy(User, { organizationId, externalId: ref.externalId });
      if (linked) return linked;
    }
    return ref.email === undefined ? null : tx.findOneBy(User, { organizationId, email: ref.email.toLowerCase() });
  }

  /** Whether the organization has a user with this e-mail (unique per organization, any case). */
  async emailExists(tx: EntityManager, organizationId: string, email: string): Promise<boolean> {
    return (await tx.countBy(User, { organizationId, email: email.toLowerCase() })) > 0;
  }

  /** Unscoped on purpose: bootstrap (an operator's command) looks for the admin it would create in any organization. */
  findAllByEmail(tx: EntityManager, email: string): Promise<User[]> {
    return tx.findBy(User, { email: email.toLowerCase() });
  }

  /**
   * Active admins other than `exceptId` who can log in: with a password, or linked to the
   * identity provider (which sets their password or signs them in elsewhere). An admin made
   * without either holds the role but cannot use it.
   */
  async countOtherAdminsWhoCanLogIn(tx: EntityManager, organizationId: string, exceptId: string): Promise<number> {
    const [row] = await runSql<{ n: number }>(tx, COUNT_OTHER_ADMINS_WHO_CAN_LOG_IN, [organizationId, exceptId]);
    return row.n;
  }

  /** The user's managers, nearest first, following manager_id upwards. */
  async managerChain(tx: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `WITH RECURSIVE chain(id, manager_id, depth) AS (
         SELECT id, manager_id, 0 FROM users WHERE organization_id = $1 AND id = $2
         UNION ALL
         SELECT u.id, u.manager_id, c.depth + 1 FROM users u JOIN chain c ON u.id = c.manager_id
         WHERE u.organization_id = $1 AND c.depth < 1000
       ) CYCLE id SET is_cycle USING path
       SELECT id FROM chain WHERE depth > 0 AND NOT is_cycle ORDER BY depth`,
      [organizationId, userId],
    );
    return rows.map((r) => r.id);
  }

  /** Everyone below the manager in the reporting line, directly or not. */
  async reportsOf(organizationId: string, managerId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH RECURSIVE reports(id, depth) AS (
         SELECT id, 1 FROM users WHERE organization_id = $1 AND manager_id = $2
         UNION ALL
         SELECT u.id, r.depth + 1 FROM users u JOIN reports r ON u.manager_id = r.id
         WHERE u.organization_id = $1 AND r.depth < 1000
       ) CYCLE id SET is_cycle USING path
       SELECT DISTINCT id FROM reports WHERE NOT is_cycle`,
      [organizationId, managerId],
    );
    return rows.map((r) => r.id);
  }

  async list(organizationId: string, filter: UserFilter): Promise<Page<User>> {
    const query = this.dataSource.manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId });
    applyFilter(query, filter);
    const total = await countMatches(query);
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']) as [string, string];
      // A tampered key would reach PostgreSQL as a bad timestamp or uuid: a 500, not the client's 422.
      query.andWhere('(u.created_at, u.id) < (:createdAt, :id)', { createdAt, id });
    } else {
      query.offset(filter.offset);
    }
    const items = await query.orderBy('u.created_at', 'DESC').addOrderBy('u.id', 'DESC').limit(filter.limit).getMany();
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  /** Team ids per user, for the `team_ids` of user answers. */
  async teamIds(organizationId: string, userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const rows: Array<{ user_id: string; team_id: string }> = await this.dataSource.query(
      `SELECT user_id, team_id FROM team_members WHERE organization_id = $1 AND user_id = ANY($2) ORDER BY created_at`,
      [organizationId, userIds],
    );
    for (const row of rows) result.get(row.user_id)?.push(row.team_id);
    return result;
  }
}

interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  external_id: string | null;
  full_name: string;
  role: Role;
  password_hash: string | null;
  manager_id: string | null;
  is_active: boolean;
  email_notifications: boolean;
  token_version: number;
  must_change_password: boolean;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
}

const USER_COLUMNS =
  'id, organization_id, email, external_id, full_name, role, password_hash, manager_id, is_active, email_notifications, token_version, must_change_password, created_at, updated_at, deactivated_at';
const LOGIN_CANDIDATES = {
  name: 'users.login_candidates',
  text: `SELECT ${USER_COLUMNS.split(', ')
    .map((c) => `u.${c}`)
    .join(', ')}, o.name AS organization_name
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1 ORDER BY u.created_at, u.id`,
};
const LOGIN_CANDIDATE_IN = {
  name: 'users.login_candidate_in',
  text: `SELECT ${USER_COLUMNS.split(', ')
    .map((c) => `u.${c}`)
    .join(', ')}, o.name AS organization_name
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1 AND u.organization_id = $2`,
};
export const FIND_BY_ID = {
  name: 'users.by_id',
  text: `SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2`,
};
export const FIND_MANAGER_OF = {
  name: 'users.manager_of',
  text: `SELECT u.manager_id AS manager_id_of_user, ${USER_COLUMNS.split(', ')
    .map((c) => `m.${c}`)
    .join(', ')}
         FROM users u LEFT JOIN users m ON m.organization_id = u.organization_id AND m.id = u.manager_id
         WHERE u.organization_id = $1 AND u.id = $2`,
};

function toUser(row: UserRow): User {
  return Object.assign(new User(), {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    externalId: row.external_id,
    fullName: row.full_name,
    role: row.role,
    passwordHash: row.password_hash,
    managerId: row.manager_id,
    isActive: row.is_active,
    emailNotifications: row.email_notifications,
    tokenVersion: row.token_version,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deactivatedAt: row.deactivated_at,
  });
}

const COUNT_OTHER_ADMINS_WHO_CAN_LOG_IN = {
  name: 'users.count_other_admins_who_can_log_in',
  text: `SELECT count(*)::int AS n FROM users
         WHERE organization_id = $1 AND role = 'admin' AND is_active AND id <> $2 AND (password_hash IS NOT NULL OR external_id IS NOT NULL)`,
};
const SET_PASSWORD = {
  name: 'users.set_password',
  text: `UPDATE users SET password_hash = $3, token_version = token_version + 1, must_change_password = false, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING token_version`,
};

/** Cursors carry `createdAt.toISOString()`; anything else was not issued here. */
function applyFilter(query: SelectQueryBuilder<User>, filter: UserFilter): void {
  if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
  if (filter.isActive !== undefined) query.andWhere('u.is_active = :isActive', { isActive: filter.isActive });
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.andWhere('(u.email ILIKE :pattern OR u.full_name ILIKE :pattern)', { pattern });
  }
}
