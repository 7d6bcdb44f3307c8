import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pageOf, pageWithTotal, runSql } from '../../database/sql';
import type { DateRange } from './budget-period';
import type { Budget, BudgetScope, ConsumptionRow } from './budget';

/** A budget's period and rollover source, as the consumption statement takes them. */
export interface ConsumptionWindow {
  budgetId: string;
  current: DateRange;
  previous: DateRange | null;
}

/** Budgets, always scoped by organization id; and what spends consume of them. */
@Injectable()
export class BudgetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, b: Omit<Budget, 'id' | 'createdOn' | 'createdAt' | 'updatedAt'>): Promise<Budget> {
    const [row] = await runSql<BudgetRow>(tx, STATEMENTS.insert, [
      b.organizationId,
      b.name,
      b.scope,
      b.scope === 'team' ? b.scopeId : null,
      b.scope === 'category' ? b.scopeId : null,
      b.scope === 'user' ? b.scopeId : null,
      b.period,
      b.startsOn,
      b.endsOn,
      b.amountMinor.toString(),
      b.currency,
      b.countsPending,
      b.rollover,
      b.createdBy,
    ]);
    return toBudget(row);
  }

  async findById(organizationId: string, id: string, tx?: EntityManager): Promise<Budget | null> {
    const [row] = await runSql<BudgetRow>(tx ?? this.dataSource, STATEMENTS.byId, [organizationId, id]);
    return row ? toBudget(row) : null;
  }

  async findForUpdate(tx: EntityManager, organizationId: string, id: string): Promise<Budget | null> {
    const [row] = await runSql<BudgetRow>(tx, STATEMENTS.forUpdate, [organizationId, id]);
    return row ? toBudget(row) : null;
  }

  async update(tx: EntityManager, b: Budget): Promise<Budget> {
    const [row] = await runSql<BudgetRow>(tx, STATEMENTS.update, [
      b.organizationId,
      b.id,
      b.name,
      b.startsOn,
      b.endsOn,
      b.amountMinor.toString(),
      b.countsPending,
      b.rollover,
    ]);
    return toBudget(row);
  }

  async archive(tx: EntityManager, organizationId: string, id: string): Promise<void> {
    await runSql(tx, STATEMENTS.archive, [organizationId, id]);
  }

  /**
   * The budgets the caller reads, oldest first: all of them (`everything`), else the caller's own
   * user budgets and those of the teams they are a member or the lead of.
   */
  async listVisible(
    organizationId: string,
    userId: string,
    everything: boolean,
    scope: BudgetScope | null,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; items: Budget[] }> {
    const values: unknown[] = [organizationId, userId, everything, scope];
    const text = pageWithTotal(LIST_MATCHING, 'created_at, id', values, page);
    const { total, rows } = pageOf(
      await runSql<BudgetRow & { total: string }>(this.dataSource, { name: 'budgets.list', text }, values),
    );
    return { total, items: rows.map(toBudget) };
  }

  /** Whether a budget of a team or user scope is visible to a caller who does not read them all. */
  async isVisibleTo(organizationId: string, userId: string, budgetId: string): Promise<boolean> {
    return (await runSql(this.dataSource, STATEMENTS.visible, [organizationId, userId, budgetId])).length > 0;
  }

  /** Every budget of the organization in `currency` (not archived), oldest first: a backtest's. */
  async allActive(tx: EntityManager, organizationId: string, currency: string): Promise<Budget[]> {
    return (await runSql<BudgetRow>(tx, STATEMENTS.allActive, [organizationId, currency])).map(toBudget);
  }

  /** The budgets that apply to a spend of this owner, team and category in `currency` (not archived), oldest first. */
  async applicableTo(
    tx: EntityManager,
    organizationId: string,
    currency: string,
    spend: { userId: string; teamId: string | null; categoryId: string | null },
  ): Promise<Budget[]> {
    const values = [organizationId, currency, spend.userId, spend.teamId, spend.categoryId];
    return (await runSql<BudgetRow>(tx, STATEMENTS.applicable, values)).map(toBudget);
  }

  /**
   * What the spends of each budget's scope consume in its period and its rollover source, in one
   * statement for any number of budgets (a page of GET /budgets, the budgets of a rule). Counted:
   * pending_approval, approved and paid spends in the budget's currency, never `excludeSpendId`.
   */
  async consumption(
    organizationId: string,
    windows: ConsumptionWindow[],
    excludeSpendId: string | null,
    tx?: EntityManager,
  ): Promise<Map<string, ConsumptionRow>> {
    if (windows.length === 0) return new Map();
    const rows = await runSql<{ id: string; spent: string; committed: string; previous: string | null }>(
      tx ?? this.dataSource,
      STATEMENTS.consumption,
      [
        organizationId,
        excludeSpendId,
        windows.map((w) => w.budgetId),
        windows.map((w) => w.current.start),
        windows.map((w) => w.current.end),
        windows.map((w) => w.previous?.start ?? null),
        windows.map((w) => w.previous?.end ?? null),
      ],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          spentMinor: BigInt(r.spent),
          committedMinor: BigInt(r.committed),
          previousMinor: r.previous === null ? null : BigInt(r.previous),
        },
      ]),
    );
  }
}

interface BudgetRow {
  id: string;
  organization_id: string;
  name: string;
  scope: BudgetScope;
  scope_id: string | null;
  period: Budget['period'];
  starts_on: string | null;
  ends_on: string | null;
  amount_minor: string;
  currency: string;
  counts_pending: boolean;
  rollover: boolean;
  created_by: string;
  created_on: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, organization_id, name, scope, COALESCE(team_id, category_id, user_id) AS scope_id, period,
  to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on, amount_minor::text AS amount_minor,
  currency, counts_pending, rollover, created_by, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS created_on, created_at, updated_at`;

/** The budgets of the caller's own user and of the teams they belong to or lead ($1 organization, $2 user). */
const VISIBLE_TO_MEMBER = `((scope = 'user' AND user_id = $2) OR (scope = 'team' AND team_id IN (
    SELECT m.team_id FROM team_members m WHERE m.organization_id = $1 AND m.user_id = $2
    UNION SELECT t.id FROM teams t WHERE t.organization_id = $1 AND t.lead_id = $2)))`;

const COUNTED = `('pending_approval', 'approved', 'paid')`;

/** The budgets a caller reads ($3 everything, $4 scope or null); paged by `pageWithTotal`, whose text never varies. */
const LIST_MATCHING = `SELECT ${COLUMNS} FROM budgets
           WHERE organization_id = $1 AND archived_at IS NULL AND ($4::text IS NULL OR scope = $4::text)
             AND ($3::boolean OR ${VISIBLE_TO_MEMBER})`;

const STATEMENTS = {
  insert: {
    name: 'budgets.insert',
    text: `INSERT INTO budgets (organization_id, name, scope, team_id, category_id, user_id, period, starts_on, ends_on,
             amount_minor, currency, counts_pending, rollover, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${COLUMNS}`,
  },
  byId: {
    name: 'budgets.by_id',
    text: `SELECT ${COLUMNS} FROM budgets WHERE organization_id = $1 AND id = $2 AND archived_at IS NULL`,
  },
  forUpdate: {
    name: 'budgets.for_update',
    text: `SELECT ${COLUMNS} FROM budgets WHERE organization_id = $1 AND id = $2 AND archived_at IS NULL FOR UPDATE`,
  },
  update: {
    name: 'budgets.update',
    text: `UPDATE budgets SET name = $3, starts_on = $4, ends_on = $5, amount_minor = $6, counts_pending = $7, rollover = $8,
             updated_at = now()
           WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  },
  archive: {
    name: 'budgets.archive',
    text: `UPDATE budgets SET archived_at = now(), updated_at = now() WHERE organization_id = $1 AND id = $2 AND archived_at IS NULL`,
  },
  visible: {
    name: 'budgets.visible',
    text: `SELECT 1 FROM budgets WHERE organization_id = $1 AND id = $3 AND ${VISIBLE_TO_MEMBER}`,
  },
  allActive: {
    name: 'budgets.all_active',
    text: `SELECT ${COLUMNS} FROM budgets WHERE organization_id = $1 AND archived_at IS NULL AND currency = $2 ORDER BY created_at, id`,
  },
  applicable: {
    name: 'budgets.applicable',
    text: `SELECT ${COLUMNS} FROM budgets
           WHERE organization_id = $1 AND archived_at IS NULL AND currency = $2
             AND (scope = 'organization' OR (scope = 'user' AND user_id = $3)
               OR (scope = 'team' AND team_id = $4::uuid) OR (scope = 'category' AND category_id = $5::uuid))
           ORDER BY created_at, id`,
  },
  consumption: {
    name: 'budgets.consumption',
    text: `WITH w AS (
             SELECT * FROM unnest($3::uuid[], $4::date[], $5::date[], $6::date[], $7::date[])
               AS w(id, starts_on, ends_on, prev_start, prev_end))
           SELECT w.id,
             COALESCE(SUM(s.base_amount_minor) FILTER (WHERE s.status IN ('approved', 'paid')
               AND s.spend_date BETWEEN w.starts_on AND w.ends_on), 0)::text AS spent,
             COALESCE(SUM(s.base_amount_minor) FILTER (WHERE s.status = 'pending_approval'
               AND s.spend_date BETWEEN w.starts_on AND w.ends_on), 0)::text AS committed,
             CASE WHEN w.prev_start IS NOT NULL THEN COALESCE(SUM(s.base_amount_minor) FILTER (WHERE
               (s.status IN ('approved', 'paid') OR b.counts_pending) AND s.spend_date BETWEEN w.prev_start AND w.prev_end), 0)::text
             END AS previous
           FROM w
           JOIN budgets b ON b.organization_id = $1 AND b.id = w.id
           LEFT JOIN spends s ON s.organization_id = $1 AND s.id IS DISTINCT FROM $2::uuid AND s.base_currency = b.currency
             AND s.status IN ${COUNTED}
             AND s.spend_date BETWEEN COALESCE(w.prev_start, w.starts_on) AND w.ends_on
             AND CASE b.scope WHEN 'team' THEN s.team_id = b.team_id WHEN 'category' THEN s.category_id = b.category_id
                   WHEN 'user' THEN s.user_id = b.user_id ELSE true END
           GROUP BY w.id, w.prev_start`,
  },
};

function toBudget(row: BudgetRow): Budget {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    scope: row.scope,
    scopeId: row.scope_id,
    period: row.period,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    countsPending: row.counts_pending,
    rollover: row.rollover,
    createdBy: row.created_by,
    createdOn: row.created_on,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
