import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles';
import type { ApiKeyScope } from '../../common/auth/scopes';
import { runSql, Statement } from '../../database/sql';

/** An organization API key as stored: everything but the secret, of which only a hash is kept. */
export interface StoredApiKey {
  id: string;
  organizationId: string;
  publicId: string;
  name: string;
  scopes: ApiKeyScope[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What authenticating with a key needs: the key, its hash, its creator's standing, the database's clock. */
export interface KeyCredential extends StoredApiKey {
  secretHash: string;
  creatorRole: Role;
  creatorActive: boolean;
  now: Date;
}

interface Row {
  id: string;
  organization_id: string;
  public_id: string;
  name: string;
  scopes: ApiKeyScope[];
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS =
  'id, organization_id, public_id, name, scopes, created_by, created_at, expires_at, last_used_at, revoked_at';

const toKey = (r: Row): StoredApiKey => ({
  id: r.id,
  organizationId: r.organization_id,
  publicId: r.public_id,
  name: r.name,
  scopes: r.scopes,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** API keys, scoped by organization, except the one lookup by public id that finds whose a presented key is. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    tx: EntityManager,
    key: Pick<StoredApiKey, 'id' | 'organizationId' | 'publicId' | 'name' | 'scopes' | 'createdBy' | 'expiresAt'> & {
      secretHash: string;
    },
  ): Promise<StoredApiKey> {
    const [row] = await runSql<Row>(tx, INSERT, [
      key.id,
      key.organizationId,
      key.publicId,
      key.secretHash,
      key.name,
      key.scopes,
      key.createdBy,
      key.expiresAt,
    ]);
    return toKey(row);
  }

  async page(organizationId: string, limit: number, offset: number): Promise<{ total: number; keys: StoredApiKey[] }> {
    const rows = await runSql<Row & { total: string }>(this.dataSource, PAGE, [organizationId, limit, offset]);
    const total = rows.length
      ? Number(rows[0].total)
      : Number((await runSql<{ total: string }>(this.dataSource, COUNT, [organizationId]))[0].total);
    return { total, keys: rows.map(toKey) };
  }

  async find(organizationId: string, id: string): Promise<StoredApiKey | null> {
    const [row] = await runSql<Row>(this.dataSource, FIND, [organizationId, id]);
    return row ? toKey(row) : null;
  }

  /** Revokes the key if it is not already; null when the organization has no such key. */
  async revoke(
    tx: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<{ key: StoredApiKey; revoked: boolean } | null> {
    const [row] = await runSql<Row & { revoked: boolean }>(tx, REVOKE, [organizationId, id]);
    return row ? { key: toKey(row), revoked: row.revoked } : null;
  }

  /**
   * The key a presented credential names, by its public id, with its creator's role and whether
   * they are active (read from `users` like the session lookup: who a credential names is
   * decided in one statement per request).
   */
  async forCredential(publicId: string): Promise<KeyCredential | null> {
    const [row] = await runSql<Row & { secret_hash: string; role: Role; is_active: boolean; now: Date }>(
      this.dataSource,
      FOR_CREDENTIAL,
      [publicId],
    );
    return row
      ? {
          ...toKey(row),
          secretHash: row.secret_hash,
          creatorRole: row.role,
          creatorActive: row.is_active,
          now: row.now,
        }
      : null;
  }

  /** Records a use, unless one was recorded less than a minute ago (the statement re-checks, so racing requests write once). */
  async touch(id: string): Promise<void> {
    await runSql(this.dataSource, TOUCH, [id]);
  }
}

const INSERT: Statement = {
  name: 'api_keys.insert',
  text: `INSERT INTO api_keys (id, organization_id, public_id, secret_hash, name, scopes, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
};

const PAGE: Statement = {
  name: 'api_keys.page',
  text: `SELECT ${COLUMNS}, count(*) OVER () AS total FROM api_keys WHERE organization_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
};

const COUNT: Statement = {
  name: 'api_keys.count',
  text: `SELECT count(*) AS total FROM api_keys WHERE organization_id = $1`,
};

const FIND: Statement = {
  name: 'api_keys.find',
  text: `SELECT ${COLUMNS} FROM api_keys WHERE organization_id = $1 AND id = $2`,
};

// A key revoked already keeps the first revocation's time; `revoked` says whether this call made it.
const REVOKE: Statement = {
  name: 'api_keys.revoke',
  text: `WITH changed AS (
           UPDATE api_keys SET revoked_at = now() WHERE organization_id = $1 AND id = $2 AND revoked_at IS NULL
           RETURNING ${COLUMNS})
         SELECT ${COLUMNS}, true AS revoked FROM changed
         UNION ALL
         SELECT ${COLUMNS}, false AS revoked FROM api_keys
         WHERE organization_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM changed)`,
};

const FOR_CREDENTIAL: Statement = {
  name: 'api_keys.for_credential',
  text: `SELECT ${COLUMNS.split(', ')
    .map((c) => `k.${c}`)
    .join(', ')}, k.secret_hash, u.role, u.is_active, now() AS now
         FROM api_keys k JOIN users u ON u.organization_id = k.organization_id AND u.id = k.created_by
         WHERE k.public_id = $1`,
};

const TOUCH: Statement = {
  name: 'api_keys.touch',
  text: `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
};
