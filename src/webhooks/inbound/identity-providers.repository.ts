import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';

/** An organization's identity provider as stored: its inbound secret, sealed, and when it was set. */
export interface StoredIdentityProvider {
  organizationId: string;
  secretCiphertext: string;
  secretHint: string;
  rotatedAt: Date;
}

interface Row {
  organization_id: string;
  secret_ciphertext: string;
  secret_hint: string;
  rotated_at: Date;
}

const toProvider = (r: Row): StoredIdentityProvider => ({
  organizationId: r.organization_id,
  secretCiphertext: r.secret_ciphertext,
  secretHint: r.secret_hint,
  rotatedAt: r.rotated_at,
});

/** Identity providers and the event ids they sent, scoped by organization. */
@Injectable()
export class IdentityProvidersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forOrganization(
    organizationId: string,
    tx: EntityManager | DataSource = this.dataSource,
  ): Promise<StoredIdentityProvider | null> {
    const [row] = await runSql<Row>(tx, FIND, [organizationId]);
    return row ? toProvider(row) : null;
  }

  /** Sets the organization's secret (the first, or a new one); answers whether there was one before. */
  async storeSecret(
    tx: EntityManager,
    organizationId: string,
    sealed: string,
    hint: string,
  ): Promise<{ replaced: boolean; provider: StoredIdentityProvider }> {
    const [row] = await runSql<Row & { replaced: boolean }>(tx, STORE_SECRET, [organizationId, sealed, hint]);
    return { replaced: row.replaced, provider: toProvider(row) };
  }

  /** Removes the organization's secret; the hint of the one removed, or null when there was none. */
  async deleteSecret(tx: EntityManager, organizationId: string): Promise<string | null> {
    const rows = await runSql<{ secret_hint: string }>(tx, DELETE_SECRET, [organizationId]);
    return rows[0]?.secret_hint ?? null;
  }

  /**
   * Records an event id as applied in the organization; false when it was already (the event
   * is then not applied again). Inside the request's transaction: a batch that fails records none.
   */
  async recordEvent(tx: EntityManager, organizationId: string, eventId: string, type: string): Promise<boolean> {
    const fresh = await runSql(tx, RECORD_EVENT, [organizationId, eventId, type]);
    return fresh.length > 0;
  }

  /** Installation-wide on purpose (the sealing pass at start): a page of the secrets sealed under another key than `keyId`. */
  async sealedUnderOtherKeys(
    keyId: string,
    afterOrganizationId: string | null,
    limit: number,
  ): Promise<StoredIdentityProvider[]> {
    const rows = await runSql<Row>(this.dataSource, SEALED_UNDER_OTHER_KEYS, [keyId, afterOrganizationId, limit]);
    return rows.map(toProvider);
  }

  /** Stores a secret sealed again (same secret, current key), if a rotation has not replaced it meanwhile. */
  async storeResealed(organizationId: string, before: string, sealed: string): Promise<boolean> {
    const rows = await runSql(this.dataSource, STORE_RESEALED, [organizationId, before, sealed]);
    return rows.length === 1;
  }
}

const COLUMNS = 'organization_id, secret_ciphertext, secret_hint, rotated_at';

const FIND: Statement = {
  name: 'identity_providers.find',
  text: `SELECT ${COLUMNS} FROM identity_providers WHERE organization_id = $1`,
};

const STORE_SECRET: Statement = {
  name: 'identity_providers.store_secret',
  text: `INSERT INTO identity_providers AS p (organization_id, secret_ciphertext, secret_hint) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_hint = EXCLUDED.secret_hint, rotated_at = now()
         RETURNING ${COLUMNS}, (xmax <> 0) AS replaced`,
};

const DELETE_SECRET: Statement = {
  name: 'identity_providers.delete_secret',
  text: `DELETE FROM identity_providers WHERE organization_id = $1 RETURNING secret_hint`,
};

const RECORD_EVENT: Statement = {
  name: 'identity_providers.record_event',
  text: `INSERT INTO identity_events (organization_id, event_id, type) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, event_id) DO NOTHING RETURNING event_id`,
};

const SEALED_UNDER_OTHER_KEYS: Statement = {
  name: 'identity_providers.sealed_under_other_keys',
  text: `SELECT ${COLUMNS} FROM identity_providers
         WHERE secret_ciphertext NOT LIKE 'v1.' || $1 || '.%' AND ($2::uuid IS NULL OR organization_id > $2::uuid) ORDER BY organization_id LIMIT $3`,
};

const STORE_RESEALED: Statement = {
  name: 'identity_providers.store_resealed',
  text: `UPDATE identity_providers SET secret_ciphertext = $3 WHERE organization_id = $1 AND secret_ciphertext = $2 RETURNING organization_id`,
};
