import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { runSql } from '../database/sql';
import { RefreshToken } from './refresh-token.entity';

/** What authenticating an access token needs to know about its user and its session. */
export interface SessionCaller {
  id: string;
  organizationId: string;
  role: Role;
  isActive: boolean;
  tokenVersion: number;
  mustChangePassword: boolean;
  /** The organization requires a second factor and the user has confirmed none (src/auth/mfa). */
  mfaEnrolmentMissing: boolean;
  /** The token's session (refresh-token family) is still open: neither logged out nor revoked. */
  sessionOpen: boolean;
  /** The installation's operator has suspended the user's organization. */
  organizationSuspended: boolean;
}

export interface NewRefreshToken {
  organizationId: string;
  userId: string;
  familyId: string;
  tokenVersion: number;
  secretHash: string;
  expiresAt: Date;
}

/**
 * Every query on refresh_tokens. A family is one session (one login and the tokens rotated
 * from it); a family is open while its tokens are not revoked.
 */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, token: NewRefreshToken): Promise<string> {
    const [row] = await runSql<{ id: string }>(tx, INSERT, [
      token.organizationId,
      token.userId,
      token.familyId,
      token.tokenVersion,
      token.secretHash,
      token.expiresAt,
    ]);
    return row.id;
  }

  /**
   * The token, row-locked, so that two refreshes (or a refresh and a logout) with it are decided
   * one after the other. Its user's row is locked first: every change to a user that ends their
   * sessions locks that row before it revokes their tokens, so taking the locks in the same
   * order keeps a refresh and an admin's change from deadlocking, and makes the revocation see
   * any token the refresh issued.
   */
  async lockById(tx: EntityManager, id: string): Promise<RefreshToken | null> {
    await runSql(tx, LOCK_OWNER, [id]);
    const [row] = await runSql<RefreshTokenRow>(tx, LOCK_BY_ID, [id]);
    return row ? toRefreshToken(row) : null;
  }

  async markUsed(tx: EntityManager, id: string): Promise<void> {
    await runSql(tx, MARK_USED, [id]);
  }

  async revokeFamily(tx: EntityManager, familyId: string): Promise<number> {
    const [row] = await runSql<{ revoked: number }>(tx, REVOKE_FAMILY, [familyId]);
    return row.revoked;
  }

  /**
   * Revokes every refresh token of the user that is not revoked yet, spent ones included (so
   * that presenting one later is refused as revoked), and answers how many open sessions that
   * ended: families whose current token was unspent and unexpired.
   */
  async revokeAllOfUser(tx: EntityManager, organizationId: string, userId: string): Promise<number> {
    const [row] = await runSql<{ sessions: number }>(tx, REVOKE_ALL_OF_USER, [organizationId, userId]);
    return row.sessions;
  }

  /**
   * Unscoped on purpose: resolves a verified access token's subject and session to the caller,
   * on every request, in one statement (a primary-key read of the user and an index probe of
   * the family), so that revoking a session stops its access tokens at no extra round trip.
   */
  async findCaller(userId: string, familyId: string): Promise<SessionCaller | null> {
    const [row] = await runSql<CallerRow>(this.dataSource, FIND_CALLER, [userId, familyId]);
    return row
      ? {
          id: row.id,
          organizationId: row.organization_id,
          role: row.role,
          isActive: row.is_active,
          tokenVersion: row.token_version,
          mustChangePassword: row.must_change_password,
          mfaEnrolmentMissing: row.mfa_enrolment_missing,
          sessionOpen: row.session_open,
          organizationSuspended: row.organization_suspended,
        }
      : null;
  }
}

interface RefreshTokenRow {
  id: string;
  organization_id: string;
  user_id: string;
  family_id: string;
  token_version: number;
  secret_hash: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

function toRefreshToken(row: RefreshTokenRow): RefreshToken {
  return Object.assign(new RefreshToken(), {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    familyId: row.family_id,
    tokenVersion: row.token_version,
    secretHash: row.secret_hash,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  });
}

interface CallerRow {
  id: string;
  organization_id: string;
  role: Role;
  is_active: boolean;
  token_version: number;
  must_change_password: boolean;
  mfa_enrolment_missing: boolean;
  session_open: boolean;
  organization_suspended: boolean;
}

const INSERT = {
  name: 'refresh_tokens.insert',
  text: `INSERT INTO refresh_tokens (organization_id, user_id, family_id, token_version, secret_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
};
// NO KEY UPDATE: it waits for (and holds off) changes to the user, not inserts that reference them.
const LOCK_OWNER = {
  name: 'refresh_tokens.lock_owner',
  text: `SELECT 1 FROM users WHERE id = (SELECT user_id FROM refresh_tokens WHERE id = $1) FOR NO KEY UPDATE`,
};
const LOCK_BY_ID = {
  name: 'refresh_tokens.lock_by_id',
  text: `SELECT id, organization_id, user_id, family_id, token_version, secret_hash, expires_at, used_at, revoked_at, created_at
         FROM refresh_tokens WHERE id = $1 FOR UPDATE`,
};
const MARK_USED = { name: 'refresh_tokens.mark_used', text: `UPDATE refresh_tokens SET used_at = now() WHERE id = $1` };
const REVOKE_FAMILY = {
  name: 'refresh_tokens.revoke_family',
  text: `WITH revoked AS (UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING 1)
         SELECT count(*)::int AS revoked FROM revoked`,
};
const REVOKE_ALL_OF_USER = {
  name: 'refresh_tokens.revoke_all_of_user',
  text: `WITH revoked AS (
           UPDATE refresh_tokens SET revoked_at = now()
           WHERE organization_id = $1 AND user_id = $2 AND revoked_at IS NULL
           RETURNING used_at, expires_at
         )
         SELECT count(*) FILTER (WHERE used_at IS NULL AND expires_at > now())::int AS sessions FROM revoked`,
};
// Revocation marks every token of a family at once, so any one unrevoked row of it means open.
export const FIND_CALLER = {
  name: 'sessions.caller',
  text: `SELECT u.id, u.organization_id, u.role, u.is_active, u.token_version, u.must_change_password,
                EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = $2 AND r.user_id = u.id AND r.revoked_at IS NULL) AS session_open,
                o.suspended_at IS NOT NULL AS organization_suspended,
                (o.settings->>'require_mfa' = 'true'
                 AND NOT EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = u.id AND m.confirmed_at IS NOT NULL)) AS mfa_enrolment_missing
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
};
