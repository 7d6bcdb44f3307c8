import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import { User } from './user.entity';
import { toUser, userColumns, UserRow } from './user.row';

/** The manager_id tree, read both ways; always scoped by organization id. */
@Injectable()
export class ReportingLineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The user's manager as named by `manager_id` (null when there is none, or the user does not
   * exist), read in one statement: approval chains ask this on every submission.
   */
  async managerOf(
    tx: EntityManager,
    organizationId: string,
    userId: string,
  ): Promise<{ managerId: string; manager: User | null } | null> {
    const [row] = await runSql<UserRow & { manager_id_of_user: string | null }>(tx, MANAGER_OF, [
      organizationId,
      userId,
    ]);
    if (!row?.manager_id_of_user) return null;
    return { managerId: row.manager_id_of_user, manager: row.id ? toUser(row) : null };
  }

  /** Serializes changes to one organization's reporting line until the transaction ends. */
  async lock(tx: EntityManager, organizationId: string): Promise<void> {
    await runSql(tx, LOCK, [organizationId]);
  }

  /** The user's managers, nearest first, following manager_id upwards. */
  async managerChain(tx: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const rows = await runSql<{ id: string }>(tx, MANAGER_CHAIN, [organizationId, userId]);
    return rows.map((r) => r.id);
  }

  /** Everyone below the manager in the reporting line, directly or not. */
  async reportsOf(organizationId: string, managerId: string): Promise<string[]> {
    const rows = await runSql<{ id: string }>(this.dataSource, REPORTS_OF, [organizationId, managerId]);
    return rows.map((r) => r.id);
  }
}

/** Exported for the benchmark (bench/raw-sql.mjs), which sends the API's own statements. */
export const MANAGER_OF: Statement = {
  name: 'users.manager_of',
  text: `SELECT u.manager_id AS manager_id_of_user, ${userColumns('m')}
         FROM users u LEFT JOIN users m ON m.organization_id = u.organization_id AND m.id = u.manager_id
         WHERE u.organization_id = $1 AND u.id = $2`,
};
const LOCK: Statement = {
  name: 'users.lock_reporting_line',
  text: `SELECT pg_advisory_xact_lock(hashtextextended('reporting_line:' || $1, 0))`,
};
const MANAGER_CHAIN: Statement = {
  name: 'users.manager_chain',
  text: `WITH RECURSIVE chain(id, manager_id, depth) AS (
           SELECT id, manager_id, 0 FROM users WHERE organization_id = $1 AND id = $2
           UNION ALL
           SELECT u.id, u.manager_id, c.depth + 1 FROM users u JOIN chain c ON u.id = c.manager_id
           WHERE u.organization_id = $1 AND c.depth < 1000
         ) CYCLE id SET is_cycle USING path
         SELECT id FROM chain WHERE depth > 0 AND NOT is_cycle ORDER BY depth`,
};
const REPORTS_OF: Statement = {
  name: 'users.reports_of',
  text: `WITH RECURSIVE reports(id, depth) AS (
           SELECT id, 1 FROM users WHERE organization_id = $1 AND manager_id = $2
           UNION ALL
           SELECT u.id, r.depth + 1 FROM users u JOIN reports r ON u.manager_id = r.id
           WHERE u.organization_id = $1 AND r.depth < 1000
         ) CYCLE id SET is_cycle USING path
         SELECT DISTINCT id FROM reports WHERE NOT is_cycle`,
};
