import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runSql, Statement } from '../../database/sql';

/** A key's claim: who, which key, and the request it stands for. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  organizationId: string;
  method: string;
  path: string;
  fingerprint: string;
}

/** A key as stored: the request it was first used for, and the answer once there is one. */
export interface StoredIdempotencyKey {
  requestHash: string;
  status: 'in_progress' | 'completed';
  responseStatus: number;
  responseBody: unknown;
}

/**
 * Idempotency keys, per user. Each statement runs on its own (outside any transaction): a claim
 * must be visible to a concurrent request at once, and outlive the request's own transaction.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims (user, key) for this request: a new key, or one whose answer is older than
   * `replayHours`, or one left in progress for `staleSeconds` by a request that died. False
   * when the key is held (by a request running or an answer to replay).
   */
  async claim(c: IdempotencyClaim, replayHours: number, staleSeconds: number): Promise<boolean> {
    const rows = await runSql(this.dataSource, CLAIM, [
      c.userId,
      c.key,
      c.organizationId,
      c.method,
      c.path,
      c.fingerprint,
      replayHours,
      staleSeconds,
    ]);
    return rows.length > 0;
  }

  async lookup(userId: string, key: string): Promise<StoredIdempotencyKey | null> {
    const [row] = await runSql<{
      request_hash: string;
      status: StoredIdempotencyKey['status'];
      response_status: number;
      response_body: unknown;
    }>(this.dataSource, FIND, [userId, key]);
    if (!row) return null;
    return {
      requestHash: row.request_hash,
      status: row.status,
      responseStatus: row.response_status,
      responseBody: row.response_body,
    };
  }

  /** Stores the answer to replay (`body` as JSON text). */
  async complete(userId: string, key: string, status: number, body: string): Promise<void> {
    await runSql(this.dataSource, COMPLETE, [userId, key, status, body]);
  }

  /** Forgets a claim whose request failed, so that a corrected retry with the same key runs. */
  async release(userId: string, key: string): Promise<void> {
    await runSql(this.dataSource, RELEASE, [userId, key]);
  }
}

const CLAIM: Statement = {
  name: 'idempotency.claim',
  text: `INSERT INTO idempotency_keys (user_id, key, organization_id, method, path, request_hash, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'in_progress')
         ON CONFLICT (user_id, key) DO UPDATE
           SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
               status = 'in_progress', response_status = NULL, response_body = NULL, created_at = now(), completed_at = NULL
           WHERE idempotency_keys.created_at < now() - make_interval(hours => $7)
              OR (idempotency_keys.status = 'in_progress' AND idempotency_keys.created_at < now() - make_interval(secs => $8))
         RETURNING key`,
};

const FIND: Statement = {
  name: 'idempotency.find',
  text: `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
};

const COMPLETE: Statement = {
  name: 'idempotency.complete',
  text: `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4, completed_at = now()
         WHERE user_id = $1 AND key = $2`,
};

const RELEASE: Statement = {
  name: 'idempotency.release',
  text: `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_progress'`,
};
