import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';
import type { SpendComputation, SpendSource } from '../spend.entity';
import type { SpendFactSource } from '../spend-facts';
import type { CountedSpend } from './backtest-aggregates';

/** The statuses a backtest replays: every submitted spend (drafts were never judged, cancelled ones are gone). */
export const BACKTESTED_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected', 'blocked'] as const;

/** One spend as the backtest reads it: the facts' sources plus what the answer shows. */
export interface BacktestRow extends SpendFactSource {
  id: string;
  amountMinor: string;
  /** The date `days_since_spend` counts to: the submission's date. */
  submittedOn: string;
  /** The submission's time in ms: the aggregate fields count the spends submitted before it. */
  submittedAt: number;
}

export interface DirectoryMaps {
  users: Map<string, { role: string; isActive: boolean; managerId: string | null }>;
  teamLeads: Map<string, string | null>;
}

interface RawRow {
  id: string;
  user_id: string;
  team_id: string | null;
  category_id: string | null;
  vendor_id: string | null;
  merchant: string | null;
  description: string | null;
  amount_minor: string;
  currency: string;
  base_amount_minor: string;
  base_currency: string;
  spend_date: string;
  source: SpendSource;
  computation: SpendComputation | null;
  system_flags: string[];
  receipt_count: number;
  receipt_verified: boolean;
  submitted_on: string;
  submitted_ms: string;
  owner_role: string | null;
  category_name: string | null;
}

// One keyset page, in the order of spends_org_date_idx (read backwards) so each page stops at its limit: the spend, its owner's role and its active category's name, in one read.
const PAGE: Statement = {
  name: 'backtest.page',
  text: `SELECT s.id, s.user_id, s.team_id, s.category_id, s.vendor_id, s.merchant, s.description,
                s.amount_minor::text AS amount_minor, s.currency, s.base_amount_minor::text AS base_amount_minor,
                s.base_currency, s.spend_date::text AS spend_date, s.source, s.computation, s.system_flags,
                s.receipt_count, s.receipt_verified,
                to_char(COALESCE(s.submitted_at, s.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS submitted_on,
                (extract(epoch FROM COALESCE(s.submitted_at, s.created_at)) * 1000)::bigint::text AS submitted_ms,
                u.role AS owner_role, c.name AS category_name
           FROM spends s
           LEFT JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
           LEFT JOIN categories c ON c.organization_id = s.organization_id AND c.id = s.category_id AND c.is_active
          WHERE s.organization_id = $1 AND s.spend_date BETWEEN $2::date AND $3::date
            AND s.status = ANY($4::text[]) AND (s.spend_date, s.id) > ($5::date, $6::uuid)
          ORDER BY s.spend_date, s.id
          LIMIT $7`,
};

// The spends that count in the aggregate rule fields over a window of dates, in the base currency.
const COUNTED: Statement = {
  name: 'backtest.counted',
  text: `SELECT id, user_id, team_id, category_id, lower(btrim(merchant)) AS merchant, spend_date::text AS spend_date,
                base_amount_minor::text AS base_amount_minor, status,
                (extract(epoch FROM COALESCE(submitted_at, created_at)) * 1000)::bigint::text AS submitted_ms
           FROM spends
          WHERE organization_id = $1 AND spend_date BETWEEN $2::date AND $3::date AND base_currency = $4
            AND status IN ('pending_approval', 'approved', 'paid')`,
};

const USERS: Statement = {
  name: 'backtest.users',
  text: `SELECT id, role, is_active, manager_id FROM users WHERE organization_id = $1`,
};
const TEAMS: Statement = { name: 'backtest.teams', text: `SELECT id, lead_id FROM teams WHERE organization_id = $1` };

const READ_ONLY: Statement = { text: 'SET TRANSACTION READ ONLY' };

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** Reads for a policy backtest: spends of a period in keyset pages, and the directory once. */
@Injectable()
export class BacktestRepository {
  /** Makes the open transaction read-only: a backtest writes nothing, and PostgreSQL holds it to that. */
  async readOnly(tx: EntityManager): Promise<void> {
    await runSql(tx, READ_ONLY);
  }

  /** Yields the period's submitted spends, `pageSize` at a time, by spend_date then id. */
  async *pages(
    tx: EntityManager,
    organizationId: string,
    period: { from: string; to: string },
    pageSize = 5_000,
  ): AsyncGenerator<BacktestRow[]> {
    let after = { date: period.from, id: FIRST_ID };
    for (;;) {
      const rows = await runSql<RawRow>(tx, PAGE, [
        organizationId,
        period.from,
        period.to,
        BACKTESTED_STATUSES,
        after.date,
        after.id,
        pageSize,
      ]);
      if (rows.length === 0) return;
      yield rows.map(toRow);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      after = { date: last.spend_date, id: last.id };
    }
  }

  /** The counted spends (pending, approved, paid) dated in the window, for the aggregate rule fields. */
  async counted(
    tx: EntityManager,
    organizationId: string,
    window: { start: string; end: string },
    baseCurrency: string,
  ): Promise<CountedSpend[]> {
    const rows = await runSql<{
      id: string;
      user_id: string;
      team_id: string | null;
      category_id: string | null;
      merchant: string | null;
      spend_date: string;
      base_amount_minor: string;
      status: string;
      submitted_ms: string;
    }>(tx, COUNTED, [organizationId, window.start, window.end, baseCurrency]);
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      teamId: r.team_id,
      categoryId: r.category_id,
      merchant: r.merchant || null,
      spendDate: r.spend_date,
      amountMinor: BigInt(r.base_amount_minor),
      status: r.status,
      submittedAt: Number(r.submitted_ms),
    }));
  }

  /** Everyone's role, activity and manager, and every team's lead: what approver resolution needs. */
  async directory(tx: EntityManager, organizationId: string): Promise<DirectoryMaps> {
    const [users, teams] = await Promise.all([
      runSql<{ id: string; role: string; is_active: boolean; manager_id: string | null }>(tx, USERS, [organizationId]),
      runSql<{ id: string; lead_id: string | null }>(tx, TEAMS, [organizationId]),
    ]);
    return {
      users: new Map(users.map((u) => [u.id, { role: u.role, isActive: u.is_active, managerId: u.manager_id }])),
      teamLeads: new Map(teams.map((t) => [t.id, t.lead_id])),
    };
  }
}

const toRow = (r: RawRow): BacktestRow => ({
  id: r.id,
  userId: r.user_id,
  teamId: r.team_id,
  categoryId: r.category_id,
  vendorId: r.vendor_id,
  merchant: r.merchant,
  description: r.description,
  amountMinor: r.amount_minor,
  currency: r.currency.trim(),
  baseAmountMinor: r.base_amount_minor,
  baseCurrency: r.base_currency.trim(),
  spendDate: r.spend_date,
  source: r.source,
  computation: r.computation,
  systemFlags: r.system_flags,
  receiptCount: r.receipt_count,
  receiptVerified: r.receipt_verified,
  submittedOn: r.submitted_on,
  submittedAt: Number(r.submitted_ms),
  ownerRole: r.owner_role,
  categoryName: r.category_name,
});
