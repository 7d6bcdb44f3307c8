import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql } from '../database/sql';

/** Refresh-token queries that span a user's sessions (one token family per login). */
@Injectable()
export class RefreshTokensRepository {
  /**
   * Revokes every refresh token of the user that is not revoked yet, spent ones included (so
   * that presenting one later is refused as revoked), and answers how many live sessions that
   * ended: families whose current token was unspent and unexpired.
   */
  async revokeAllOfUser(tx: EntityManager, organizationId: string, userId: string): Promise<number> {
    const [row] = await runSql<{ sessions: number }>(tx, REVOKE_ALL_OF_USER, [organizationId, userId]);
    return row.sessions;
  }
}

const REVOKE_ALL_OF_USER = {
  name: 'refresh_tokens.revoke_all_of_user',
  text: `WITH revoked AS (
           UPDATE refresh_tokens SET revoked_at = now()
           WHERE organization_id = $1 AND user_id = $2 AND revoked_at IS NULL
           RETURNING used_at, expires_at
         )
         SELECT count(*) FILTER (WHERE used_at IS NULL AND expires_at > now())::int AS sessions FROM revoked`,
};
