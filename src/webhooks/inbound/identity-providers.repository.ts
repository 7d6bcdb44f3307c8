import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

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

  async find(
    organizationId: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<StoredIdentityProvider | null> {
    const [row]: Row[] = await tx.query(
      `SELECT organization_id, secret_ciphertext, secret_hint, rotated_at FROM identity_providers WHERE organization_id = $1`,
      [organizationId],
    );
    return row ? toProvider(row) : null;
  }

  /** Sets the organization's secret (the first, or a new one); answers whether there was one before. */
  async storeSecret(
    tx: EntityManager,
    organizationId: string,
    sealed: string,
    hint: string,
  ): Promise<{ replaced: boolean; provider: StoredIdentityProvider }> {
    const [row]: Array<Row & { replaced: boolean }> = await tx.query(
      `INSERT INTO identity_providers AS p (organization_id, secret_ciphertext, secret_hint) VALUES ($1, $2, $3)
       ON CONFLICT (organization_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, secret_hint = EXCLUDED.secret_hint, rotated_at = now()
       RETURNING organization_id, secret_ciphertext, secret_hint, rotated_at, (xmax <> 0) AS replaced`,
      [organizationId, sealed, hint],
    );
    return { replaced: row.replaced, provider: toProvider(row) };
  }

  /** Removes the organization's secret; the hint of the one removed, or null when there was none. */
  async deleteSecret(tx: EntityManager, organizationId: string): Promise<string | null> {
    const [rows]: [Array<{ secret_hint: string }>, number] = await tx.query(
      `DELETE FROM identity_providers WHERE organization_id = $1 RETURNING secret_hint`,
      [organizationId],
    );
    return rows[0]?.secret_hint ?? null;
  }

  /**
   * Records an event id as applied in the organization; false when it was already (the event
   * is then not applied again). Inside the request's transaction: a batch that fails records none.
   */
  async recordEvent(tx: EntityManager, organizationId: string, eventId: string, type: string): Promise<boolean> {
    const fresh: unknown[] = await tx.query(
      `INSERT INTO identity_events (organization_id, event_id, type) VALUES ($1, $2, $3) ON CONFLICT (organization_id, event_id) DO NOTHING RETURNING event_id`,
      [organizationId, eventId, type],
    );
    return fresh.length > 0;
  }

  /** Installation-wide on purpose (the sealing pass at start): a page of the secrets sealed under another key than `keyId`. */
  async sealedUnderOtherKeys(
    keyId: string,
    afterOrganizationId: string | null,
    limit: number,
  ): Promise<StoredIdentityProvider[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT organization_id, secret_ciphertext, secret_hint, rotated_at FROM identity_providers
       WHERE secret_ciphertext NOT LIKE 'v1.' || $1 || '.%' AND ($2::uuid IS NULL OR organization_id > $2::uuid) ORDER BY organization_id LIMIT $3`,
      [keyId, afterOrganizationId, limit],
    );
    return rows.map(toProvider);
  }

  /** Stores a secret sealed again (same secret, current key), if a rotation has not replaced it meanwhile. */
  async storeResealed(organizationId: string, before: string, sealed: string): Promise<boolean> {
    const [, updated]: [unknown, number] = await this.dataSource.query(
      `UPDATE identity_providers SET secret_ciphertext = $3 WHERE organization_id = $1 AND secret_ciphertext = $2`,
      [organizationId, before, sealed],
    );
    return updated === 1;
  }
}
