import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import { Organization, OrganizationSettings } from './organization.entity';

/** Every query on organizations; a row is one tenant. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(id: string, tx: EntityManager = this.dataSource.manager): Promise<Organization | null> {
    const [row] = await runSql<OrganizationRow>(tx, FIND_BY_ID, [id]);
    return row ? toOrganization(row) : null;
  }

  /** Row-locked read for a change that depends on the organization's current state. */
  async lockById(tx: EntityManager, id: string): Promise<Organization | null> {
    const [row] = await runSql<OrganizationRow>(tx, LOCK_BY_ID, [id]);
    return row ? toOrganization(row) : null;
  }

  async baseCurrency(tx: EntityManager, id: string): Promise<string | null> {
    const [row] = await runSql<{ base_currency: string }>(tx, BASE_CURRENCY, [id]);
    return row?.base_currency ?? null;
  }

  async settings(tx: EntityManager, id: string): Promise<OrganizationSettings | null> {
    const [row] = await runSql<{ settings: OrganizationSettings }>(tx, SETTINGS, [id]);
    return row?.settings ?? null;
  }

  async insert(
    tx: EntityManager,
    organization: Pick<Organization, 'name' | 'baseCurrency' | 'settings'>,
  ): Promise<Organization> {
    const [row] = await runSql<OrganizationRow>(tx, INSERT, [
      organization.name,
      organization.baseCurrency,
      JSON.stringify(organization.settings),
    ]);
    return toOrganization(row);
  }

  /** Writes the name, base currency and settings; answers the new `updated_at`. */
  async update(tx: EntityManager, organization: Organization): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, UPDATE, [
      organization.id,
      organization.name,
      organization.baseCurrency,
      JSON.stringify(organization.settings),
    ]);
    return row.updated_at;
  }

  async isEmpty(): Promise<boolean> {
    const [row] = await runSql<{ empty: boolean }>(this.dataSource, IS_EMPTY);
    return row.empty;
  }

  /** Every organization (or the one of `id`) with its user count, oldest first: the operator's list (no spend data). */
  async listWithUserCounts(id: string | null = null): Promise<Array<Organization & { userCount: number }>> {
    const rows = await runSql<OrganizationRow & { user_count: number }>(this.dataSource, LIST_WITH_USER_COUNTS, [id]);
    return rows.map((row) => Object.assign(toOrganization(row), { userCount: Number(row.user_count) }));
  }

  /** Sets (reason and operator given) or clears (null) the suspension; answers the new `updated_at`. */
  async setSuspension(
    tx: EntityManager,
    id: string,
    suspension: { reason: string | null; operatorId: string } | null,
  ): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, SET_SUSPENSION, [
      id,
      suspension !== null,
      suspension?.reason ?? null,
      suspension?.operatorId ?? null,
    ]);
    return row.updated_at;
  }

  async isSuspended(id: string, tx: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [row] = await runSql<{ suspended: boolean }>(tx, IS_SUSPENDED, [id]);
    return row?.suspended ?? false;
  }

  /** Serializes bootstraps (of any organization) until the transaction ends. */
  async lockBootstrap(tx: EntityManager): Promise<void> {
    await runSql(tx, LOCK_BOOTSTRAP);
  }
}

interface OrganizationRow {
  id: string;
  name: string;
  base_currency: string;
  settings: OrganizationSettings;
  created_at: Date;
  updated_at: Date;
  suspended_at: Date | null;
  suspension_reason: string | null;
}

function toOrganization(row: OrganizationRow): Organization {
  return Object.assign(new Organization(), {
    id: row.id,
    name: row.name,
    baseCurrency: row.base_currency,
    settings: row.settings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    suspendedAt: row.suspended_at,
    suspensionReason: row.suspension_reason,
  });
}

const COLUMNS = 'id, name, base_currency, settings, created_at, updated_at, suspended_at, suspension_reason';
const FIND_BY_ID: Statement = {
  name: 'organizations.by_id',
  text: `SELECT ${COLUMNS} FROM organizations WHERE id = $1`,
};
const LOCK_BY_ID: Statement = {
  name: 'organizations.lock_by_id',
  text: `SELECT ${COLUMNS} FROM organizations WHERE id = $1 FOR UPDATE`,
};
/** Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements. */
export const BASE_CURRENCY: Statement = {
  name: 'organizations.base_currency',
  text: 'SELECT base_currency FROM organizations WHERE id = $1',
};
const SETTINGS: Statement = {
  name: 'organizations.settings',
  text: 'SELECT settings FROM organizations WHERE id = $1',
};
const INSERT: Statement = {
  name: 'organizations.insert',
  text: `INSERT INTO organizations (name, base_currency, settings) VALUES ($1, $2, $3::jsonb) RETURNING ${COLUMNS}`,
};
const UPDATE: Statement = {
  name: 'organizations.update',
  text: `UPDATE organizations SET name = $2, base_currency = $3, settings = $4::jsonb, updated_at = now()
         WHERE id = $1 RETURNING updated_at`,
};
const IS_EMPTY: Statement = {
  name: 'organizations.is_empty',
  text: 'SELECT NOT EXISTS (SELECT 1 FROM organizations) AS empty',
};
const LIST_WITH_USER_COUNTS: Statement = {
  name: 'organizations.list_with_user_counts',
  text: `SELECT ${COLUMNS}, (SELECT count(*) FROM users u WHERE u.organization_id = o.id) AS user_count
         FROM organizations o WHERE $1::uuid IS NULL OR o.id = $1 ORDER BY created_at, id`,
};
const SET_SUSPENSION: Statement = {
  name: 'organizations.set_suspension',
  text: `UPDATE organizations
         SET suspended_at = CASE WHEN $2::boolean THEN now() END, suspension_reason = $3, suspended_by = $4, updated_at = now()
         WHERE id = $1 RETURNING updated_at`,
};
const IS_SUSPENDED: Statement = {
  name: 'organizations.is_suspended',
  text: 'SELECT suspended_at IS NOT NULL AS suspended FROM organizations WHERE id = $1',
};
const LOCK_BOOTSTRAP: Statement = {
  name: 'organizations.lock_bootstrap',
  text: `SELECT pg_advisory_xact_lock(hashtextextended('bootstrap', 0))`,
};
