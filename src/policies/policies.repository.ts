import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import type { Rule } from './engine/rules';
import { Policy } from './policy.entity';

/** Every query on policies and policy_versions, always scoped by organization id; deleted policies are never read. */
@Injectable()
export class PoliciesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The active policies' current versions, in a stable order (read on every submission). */
  activeSnapshots(
    tx: EntityManager,
    organizationId: string,
  ): Promise<Array<{ id: string; version: number; rules: Rule[] }>> {
    return runSql<{ id: string; version: number; rules: Rule[] }>(tx, ACTIVE_SNAPSHOTS, [organizationId]);
  }

  /** A page of the organization's policies, oldest first, with the count of them all. */
  async list(organizationId: string, page: { limit: number; offset: number }): Promise<[Policy[], number]> {
    const [{ n: total }] = await runSql<{ n: number }>(this.dataSource, COUNT, [organizationId]);
    const rows = await runSql<PolicyRow>(this.dataSource, PAGE, [organizationId, page.limit, page.offset]);
    return [rows.map(toPolicy), total];
  }

  /** The policy unless deleted; `lock` reads it FOR UPDATE, for a change that depends on its current state. */
  async findById(tx: EntityManager, organizationId: string, id: string, lock = false): Promise<Policy | null> {
    const [row] = await runSql<PolicyRow>(tx, lock ? LOCK_BY_ID : FIND_BY_ID, [organizationId, id]);
    return row ? toPolicy(row) : null;
  }

  async insert(
    tx: EntityManager,
    policy: Pick<Policy, 'organizationId' | 'name' | 'isActive' | 'version' | 'rules'>,
  ): Promise<Policy> {
    const [row] = await runSql<PolicyRow>(tx, INSERT, [
      policy.organizationId,
      policy.name,
      policy.isActive,
      policy.version,
      JSON.stringify(policy.rules),
    ]);
    return toPolicy(row);
  }

  /** Writes the name, active flag, rules, version and deletion; answers the new `updated_at`. */
  async update(tx: EntityManager, policy: Policy): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, UPDATE, [
      policy.organizationId,
      policy.id,
      policy.name,
      policy.isActive,
      policy.version,
      JSON.stringify(policy.rules),
      policy.deletedAt,
    ]);
    return row.updated_at;
  }

  /** Keeps the policy's current state as a version of its own, for the evaluations that ran it. */
  async insertVersion(tx: EntityManager, policy: Policy, createdBy: string | null): Promise<void> {
    await runSql(tx, INSERT_VERSION, [
      policy.organizationId,
      policy.id,
      policy.version,
      policy.name,
      policy.isActive,
      JSON.stringify(policy.rules),
      createdBy,
    ]);
  }
}

interface PolicyRow {
  id: string;
  organization_id: string;
  name: string;
  is_active: boolean;
  version: number;
  rules: Rule[];
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function toPolicy(row: PolicyRow): Policy {
  return Object.assign(new Policy(), {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    isActive: row.is_active,
    version: row.version,
    rules: row.rules,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  });
}

const COLUMNS = 'id, organization_id, name, is_active, version, rules, created_at, updated_at, deleted_at';
/** policies_org_active_idx. */
/** Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements. */
export const ACTIVE_SNAPSHOTS: Statement = {
  name: 'policies.active_snapshots',
  text: 'SELECT id, version, rules FROM policies WHERE organization_id = $1 AND is_active AND deleted_at IS NULL ORDER BY created_at, id',
};
const COUNT: Statement = {
  name: 'policies.count',
  text: 'SELECT count(*)::int AS n FROM policies WHERE organization_id = $1 AND deleted_at IS NULL',
};
const PAGE: Statement = {
  name: 'policies.page',
  text: `SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT $2 OFFSET $3`,
};
const FIND_BY_ID: Statement = {
  name: 'policies.by_id',
  text: `SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL`,
};
const LOCK_BY_ID: Statement = {
  name: 'policies.lock_by_id',
  text: `SELECT ${COLUMNS} FROM policies WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE`,
};
const INSERT: Statement = {
  name: 'policies.insert',
  text: `INSERT INTO policies (organization_id, name, is_active, version, rules) VALUES ($1, $2, $3, $4, $5::jsonb)
         RETURNING ${COLUMNS}`,
};
const UPDATE: Statement = {
  name: 'policies.update',
  text: `UPDATE policies SET name = $3, is_active = $4, version = $5, rules = $6::jsonb, deleted_at = $7, updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
};
const INSERT_VERSION: Statement = {
  name: 'policies.insert_version',
  text: `INSERT INTO policy_versions (organization_id, policy_id, version, name, is_active, rules, created_by)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
};
