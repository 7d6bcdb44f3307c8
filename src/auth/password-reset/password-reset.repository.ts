import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';
import { OneTimeToken, OneTimeTokenRow, toOneTimeToken } from '../mfa/mfa.repository';

/** Every query on password_reset_tokens. */
@Injectable()
export class PasswordResetRepository {
  async insert(
    tx: EntityManager,
    token: { organizationId: string; userId: string; secretHash: string; expiresAt: Date },
  ): Promise<string> {
    await runSql(tx, PRUNE, [token.organizationId, token.userId]);
    const [row] = await runSql<{ id: string }>(tx, INSERT, [
      token.organizationId,
      token.userId,
      token.secretHash,
      token.expiresAt,
    ]);
    return row.id;
  }

  /** Unscoped on purpose: the presented token names only its id. Row-locked, so that two confirmations are decided one after the other. */
  async lock(tx: EntityManager, id: string): Promise<OneTimeToken | null> {
    const [row] = await runSql<OneTimeTokenRow>(tx, LOCK, [id]);
    return row ? toOneTimeToken(row) : null;
  }

  /** Spends every unused token of the user: the one presented, and any other e-mailed before it. */
  async useAllOfUser(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, USE_ALL_OF_USER, [organizationId, userId]);
  }
}

/** A user's spent and expired tokens go when the next one is made (kept a day, for the answer 410 rather than 400). */
const PRUNE: Statement = {
  name: 'password_reset_tokens.prune',
  text: `DELETE FROM password_reset_tokens WHERE organization_id = $1 AND user_id = $2 AND created_at < now() - interval '1 day'`,
};
const INSERT: Statement = {
  name: 'password_reset_tokens.insert',
  text: `INSERT INTO password_reset_tokens (organization_id, user_id, secret_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
};
const LOCK: Statement = {
  name: 'password_reset_tokens.lock',
  text: `SELECT id, organization_id, user_id, secret_hash, expires_at, used_at FROM password_reset_tokens WHERE id = $1 FOR UPDATE`,
};
const USE_ALL_OF_USER: Statement = {
  name: 'password_reset_tokens.use_all_of_user',
  text: `UPDATE password_reset_tokens SET used_at = now() WHERE organization_id = $1 AND user_id = $2 AND used_at IS NULL`,
};
