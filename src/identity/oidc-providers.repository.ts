import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../common/auth/roles';
import { runSql, Statement } from '../database/sql';

/** An organization's OpenID provider settings, as stored. */
export interface OidcProvider {
  organizationId: string;
  issuer: string;
  audience: string;
  rolesClaim: string | null;
  roleMapping: Record<string, Role>;
  defaultRole: Role;
  createUsers: boolean;
  algorithms: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type OidcProviderSettings = Omit<OidcProvider, 'organizationId' | 'createdAt' | 'updatedAt'>;

interface Row {
  organization_id: string;
  issuer: string;
  audience: string;
  roles_claim: string | null;
  role_mapping: Record<string, Role>;
  default_role: Role;
  create_users: boolean;
  algorithms: string[];
  created_at: Date;
  updated_at: Date;
}

const toProvider = (r: Row): OidcProvider => ({
  organizationId: r.organization_id,
  issuer: r.issuer,
  audience: r.audience,
  rolesClaim: r.roles_claim,
  roleMapping: r.role_mapping,
  defaultRole: r.default_role,
  createUsers: r.create_users,
  algorithms: r.algorithms,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** OpenID provider settings, one row per organization, the issuer unique across the installation. */
@Injectable()
export class OidcProvidersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forOrganization(organizationId: string, tx: EntityManager | DataSource = this.dataSource) {
    const [row] = await runSql<Row>(tx, FIND, [organizationId]);
    return row ? toProvider(row) : null;
  }

  /** The settings of the organization that configured `issuer` (a token's `iss`), if any. */
  async forIssuer(issuer: string): Promise<(OidcProvider & { organizationSuspended: boolean }) | null> {
    const [row] = await runSql<Row & { organization_suspended: boolean }>(this.dataSource, FIND_BY_ISSUER, [issuer]);
    return row ? { ...toProvider(row), organizationSuspended: row.organization_suspended } : null;
  }

  /** Locks the organization's row (if any) for a change, so that two changes audit in order. */
  async lock(tx: EntityManager, organizationId: string): Promise<OidcProvider | null> {
    const [row] = await runSql<Row>(tx, LOCK, [organizationId]);
    return row ? toProvider(row) : null;
  }

  async store(tx: EntityManager, organizationId: string, s: OidcProviderSettings): Promise<OidcProvider> {
    const [row] = await runSql<Row>(tx, STORE, [
      organizationId,
      s.issuer,
      s.audience,
      s.rolesClaim,
      JSON.stringify(s.roleMapping),
      s.defaultRole,
      s.createUsers,
      s.algorithms,
    ]);
    return toProvider(row);
  }

  async delete(tx: EntityManager, organizationId: string): Promise<OidcProvider | null> {
    const [row] = await runSql<Row>(tx, DELETE, [organizationId]);
    return row ? toProvider(row) : null;
  }
}

const COLUMNS =
  'organization_id, issuer, audience, roles_claim, role_mapping, default_role, create_users, algorithms, created_at, updated_at';

const FIND: Statement = {
  name: 'oidc_providers.find',
  text: `SELECT ${COLUMNS} FROM oidc_providers WHERE organization_id = $1`,
};

const FIND_BY_ISSUER: Statement = {
  name: 'oidc_providers.find_by_issuer',
  text: `SELECT ${COLUMNS.split(', ')
    .map((column) => `p.${column}`)
    .join(', ')}, o.suspended_at IS NOT NULL AS organization_suspended
         FROM oidc_providers p JOIN organizations o ON o.id = p.organization_id WHERE p.issuer = $1`,
};

const LOCK: Statement = {
  name: 'oidc_providers.lock',
  text: `SELECT ${COLUMNS} FROM oidc_providers WHERE organization_id = $1 FOR UPDATE`,
};

const STORE: Statement = {
  name: 'oidc_providers.store',
  text: `INSERT INTO oidc_providers (organization_id, issuer, audience, roles_claim, role_mapping, default_role, create_users, algorithms)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::text[])
         ON CONFLICT (organization_id) DO UPDATE SET issuer = EXCLUDED.issuer, audience = EXCLUDED.audience,
           roles_claim = EXCLUDED.roles_claim, role_mapping = EXCLUDED.role_mapping, default_role = EXCLUDED.default_role,
           create_users = EXCLUDED.create_users, algorithms = EXCLUDED.algorithms, updated_at = now()
         RETURNING ${COLUMNS}`,
};

const DELETE: Statement = {
  name: 'oidc_providers.delete',
  text: `DELETE FROM oidc_providers WHERE organization_id = $1 RETURNING ${COLUMNS}`,
};
