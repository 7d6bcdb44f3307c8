import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { NewRefreshToken, SessionCaller, SessionsRepository } from './sessions.repository';

/** Whose sessions: a user, named by organization and id. */
export interface SessionOwner {
  organizationId: string;
  id: string;
}

/**
 * A user's sessions (one refresh-token family per login), below the users module so that
 * every change that must sign a user out calls `revokeAll` in its own transaction: a password
 * set by the user or an admin, a deactivation, a role change (from the admin API or the
 * identity provider), and a reused refresh token. The auth module issues and rotates tokens
 * through it; nothing else touches refresh_tokens.
 */
@Injectable()
export class Sessions {
  constructor(private readonly repository: SessionsRepository) {}

  /**
   * Ends every session of the user: their refresh tokens are revoked, so access tokens of
   * those sessions stop working at once too. Answers how many open sessions ended.
   */
  revokeAll(tx: EntityManager, user: SessionOwner): Promise<number> {
    return this.repository.revokeAllOfUser(tx, user.organizationId, user.id);
  }

  /** Ends one session (logout). */
  revoke(tx: EntityManager, familyId: string): Promise<number> {
    return this.repository.revokeFamily(tx, familyId);
  }

  storeRefreshToken(tx: EntityManager, token: NewRefreshToken): Promise<string> {
    return this.repository.insert(tx, token);
  }

  lockRefreshToken(tx: EntityManager, id: string): Promise<RefreshToken | null> {
    return this.repository.lockById(tx, id);
  }

  markRefreshTokenUsed(tx: EntityManager, id: string): Promise<void> {
    return this.repository.markUsed(tx, id);
  }

  /** The user behind an access token and whether its session is still open (every request). */
  findCaller(userId: string, familyId: string): Promise<SessionCaller | null> {
    return this.repository.findCaller(userId, familyId);
  }
}
