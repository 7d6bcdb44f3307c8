import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import { User } from './user.entity';
import { toUser, userColumns, UserRow } from './user.row';

/** A user that a login's e-mail names, with their organization's name (for a choice between several). */
export interface LoginCandidate {
  user: User;
  organizationName: string;
  /** The installation's operator has suspended the organization: the password may be right, the login is refused. */
  organizationSuspended: boolean;
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

/** What a new user is made of; the rest are the columns' defaults. */
export type NewUser = Pick<
  User,
  'organizationId' | 'email' | 'fullName' | 'role' | 'managerId' | 'passwordHash' | 'externalId' | 'mustChangePassword'
>;

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

  /** Row-locked read for a change that depends on the user's current state. */
  async lockById(tx: EntityManager, organizationId: string, id: string): Promise<User | null> {
    const [row] = await runSql<UserRow>(tx, LOCK_BY_ID, [organizationId, id]);
    return row ? toUser(row) : null;
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
        ? await runSql<CandidateRow>(this.dataSource, LOGIN_CANDIDATES, [email.toLowerCase()])
        : await runSql<CandidateRow>(this.dataSource, LOGIN_CANDIDATE_IN, [email.toLowerCase(), organizationId]);
    return rows.map((row) => ({
      user: toUser(row),
      organizationName: row.organization_name,
      organizationSuspended: row.organization_suspended,
    }));
  }

  /** A user of the organization by its identity provider's id (unique in the organization), else by e-mail. */
  async findByIdentity(
    tx: EntityManager,
    organizationId: string,
    ref: { externalId?: string; email?: string },
  ): Promise<User | null> {
    if (ref.externalId !== undefined) {
      const [linked] = await runSql<UserRow>(tx, FIND_BY_EXTERNAL_ID, [organizationId, ref.externalId]);
      if (linked) return toUser(linked);
    }
    if (ref.email === undefined) return null;
    const [row] = await runSql<UserRow>(tx, FIND_BY_EMAIL, [organizationId, ref.email.toLowerCase()]);
    return row ? toUser(row) : null;
  }

  /** Whether the organization has a user with this e-mail (unique per organization, any case). */
  async emailExists(tx: EntityManager, organizationId: string, email: string): Promise<boolean> {
    const [row] = await runSql<{ taken: boolean }>(tx, EMAIL_EXISTS, [organizationId, email.toLowerCase()]);
    return row.taken;
  }

  /** Unscoped on purpose: bootstrap (an operator's command) looks for the admin it would create in any organization. */
  async findAllByEmail(tx: EntityManager, email: string): Promise<User[]> {
    return (await runSql<UserRow>(tx, FIND_ALL_BY_EMAIL, [email.toLowerCase()])).map(toUser);
  }

  /** Serializes, per organization, the changes that could leave it without an admin (until the transaction ends). */
  async lockAdmins(tx: EntityManager, organizationId: string): Promise<void> {
    await runSql(tx, LOCK_ADMINS, [organizationId]);
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

  async insert(tx: EntityManager, user: NewUser): Promise<User> {
    const [row] = await runSql<UserRow>(tx, INSERT, [
      user.organizationId,
      user.email,
      user.fullName,
      user.role,
      user.managerId,
      user.passwordHash,
      user.externalId,
      user.mustChangePassword,
    ]);
    return toUser(row);
  }

  /** Writes what an admin or the identity provider may change (and the token version); answers the new `updated_at`. */
  async update(tx: EntityManager, user: User): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, UPDATE, [
      user.organizationId,
      user.id,
      user.email,
      user.externalId,
      user.fullName,
      user.role,
      user.managerId,
      user.passwordHash,
      user.isActive,
      user.deactivatedAt,
      user.mustChangePassword,
      user.tokenVersion,
    ]);
    return row.updated_at;
  }

  /** Writes a deactivation (and the token version that ends the user's sessions); answers the new `updated_at`. */
  async deactivate(tx: EntityManager, user: User): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, DEACTIVATE, [
      user.organizationId,
      user.id,
      user.deactivatedAt,
      user.tokenVersion,
    ]);
    return row.updated_at;
  }

  /** Writes what users change about themselves; answers the new `updated_at`. */
  async updateProfile(tx: EntityManager, user: User): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, UPDATE_PROFILE, [
      user.organizationId,
      user.id,
      user.fullName,
      user.emailNotifications,
    ]);
    return row.updated_at;
  }

  async list(organizationId: string, filter: UserFilter): Promise<Page<User>> {
    const where = ['organization_id = $1'];
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.role) where.push(`role = ${param(filter.role)}`);
    if (filter.isActive !== undefined) where.push(`is_active = ${param(filter.isActive)}`);
    if (filter.q) {
      const pattern = param(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(email ILIKE ${pattern} OR full_name ILIKE ${pattern})`);
    }
    const [{ n: total }] = await runSql<{ n: number }>(
      this.dataSource,
      variant('users.count', `SELECT count(*)::int AS n FROM users WHERE ${where.join(' AND ')}`),
      values,
    );
    let page: string;
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor, ['timestamp', 'uuid']) as [string, string];
      // A tampered key would reach PostgreSQL as a bad timestamp or uuid: a 500, not the client's 422.
      where.push(`(created_at, id) < (${param(createdAt)}, ${param(id)})`);
      page = `LIMIT ${param(filter.limit)}`;
    } else {
      page = `LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<UserRow>(
      this.dataSource,
      variant(
        'users.list',
        `SELECT ${userColumns()} FROM users WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC ${page}`,
      ),
      values,
    );
    const items = rows.map(toUser);
    return toPage(items, total, filter, (last) => [last.createdAt.toISOString(), last.id]);
  }

  /** Team ids per user, for the `team_ids` of user answers. */
  async teamIds(organizationId: string, userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const rows = await runSql<{ user_id: string; team_id: string }>(this.dataSource, TEAM_IDS, [
      organizationId,
      userIds,
    ]);
    for (const row of rows) result.get(row.user_id)?.push(row.team_id);
    return result;
  }
}

type CandidateRow = UserRow & { organization_name: string; organization_suspended: boolean };
const LOGIN_CANDIDATES: Statement = {
  name: 'users.login_candidates',
  text: `SELECT ${userColumns('u')}, o.name AS organization_name, o.suspended_at IS NOT NULL AS organization_suspended
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1 ORDER BY u.created_at, u.id`,
};
const LOGIN_CANDIDATE_IN: Statement = {
  name: 'users.login_candidate_in',
  text: `SELECT ${userColumns('u')}, o.name AS organization_name, o.suspended_at IS NOT NULL AS organization_suspended
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1 AND u.organization_id = $2`,
};
/** Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements. */
export const FIND_BY_ID: Statement = {
  name: 'users.by_id',
  text: `SELECT ${userColumns()} FROM users WHERE organization_id = $1 AND id = $2`,
};
const LOCK_BY_ID: Statement = {
  name: 'users.lock_by_id',
  text: `SELECT ${userColumns()} FROM users WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
};
const FIND_BY_EXTERNAL_ID: Statement = {
  name: 'users.by_external_id',
  text: `SELECT ${userColumns()} FROM users WHERE organization_id = $1 AND external_id = $2`,
};
const FIND_BY_EMAIL: Statement = {
  name: 'users.by_email',
  text: `SELECT ${userColumns()} FROM users WHERE organization_id = $1 AND email = $2`,
};
const FIND_ALL_BY_EMAIL: Statement = {
  name: 'users.all_by_email',
  text: `SELECT ${userColumns()} FROM users WHERE email = $1`,
};
const EMAIL_EXISTS: Statement = {
  name: 'users.email_exists',
  text: 'SELECT EXISTS (SELECT 1 FROM users WHERE organization_id = $1 AND email = $2) AS taken',
};
const LOCK_ADMINS: Statement = {
  name: 'users.lock_admins',
  text: `SELECT pg_advisory_xact_lock(hashtextextended('admins:' || $1, 0))`,
};
const COUNT_OTHER_ADMINS_WHO_CAN_LOG_IN: Statement = {
  name: 'users.count_other_admins_who_can_log_in',
  text: `SELECT count(*)::int AS n FROM users
         WHERE organization_id = $1 AND role = 'admin' AND is_active AND id <> $2 AND (password_hash IS NOT NULL OR external_id IS NOT NULL)`,
};
const SET_PASSWORD: Statement = {
  name: 'users.set_password',
  text: `UPDATE users SET password_hash = $3, token_version = token_version + 1, must_change_password = false, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING token_version`,
};
const INSERT: Statement = {
  name: 'users.insert',
  text: `INSERT INTO users (organization_id, email, full_name, role, manager_id, password_hash, external_id, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${userColumns()}`,
};
const UPDATE: Statement = {
  name: 'users.update',
  text: `UPDATE users SET email = $3, external_id = $4, full_name = $5, role = $6, manager_id = $7, password_hash = $8,
           is_active = $9, deactivated_at = $10, must_change_password = $11, token_version = $12, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
const DEACTIVATE: Statement = {
  name: 'users.deactivate',
  text: `UPDATE users SET is_active = false, deactivated_at = $3, token_version = $4, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
const UPDATE_PROFILE: Statement = {
  name: 'users.update_profile',
  text: `UPDATE users SET full_name = $3, email_notifications = $4, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
const TEAM_IDS: Statement = {
  name: 'users.team_ids',
  text: 'SELECT user_id, team_id FROM team_members WHERE organization_id = $1 AND user_id = ANY($2) ORDER BY created_at',
};
