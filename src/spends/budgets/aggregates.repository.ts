import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql } from '../../database/sql';
import type { DateRange } from './budget-period';

const COUNTED = `('pending_approval', 'approved', 'paid')`;

/** The reads behind the aggregate rule fields of one spend, and the locks that serialize them. */
@Injectable()
export class AggregatesRepository {
  /**
   * Serializes the evaluations that read the same aggregates: one transaction-scoped advisory
   * lock per key, taken in sorted order so that two evaluations never wait for each other in a cycle.
   */
  async lockKeys(tx: EntityManager, keys: string[]): Promise<void> {
    for (const key of [...new Set(keys)].sort()) await runSql(tx, STATEMENTS.lock, [key]);
  }

  /** The owner's, the team's and the same merchant's counted spends around a spend, for the rule fields. */
  async spendTotals(tx: EntityManager, q: SpendTotalsQuery): Promise<SpendTotalsRow> {
    const [row] = await runSql<Record<keyof SpendTotalsRow, string>>(tx, STATEMENTS.spendTotals, [
      q.organizationId,
      q.userId,
      q.excludeSpendId,
      q.categoryId,
      q.spendDate,
      q.month.start,
      q.month.end,
      q.teamId,
      q.teamPeriod?.start ?? null,
      q.teamPeriod?.end ?? null,
      q.merchant,
      q.currency,
    ]);
    return {
      userCategoryDay: BigInt(row.userCategoryDay),
      userCategoryMonth: BigInt(row.userCategoryMonth),
      teamPeriod: BigInt(row.teamPeriod),
      merchant7d: Number(row.merchant7d),
      merchant30d: Number(row.merchant30d),
    };
  }
}

export interface SpendTotalsQuery {
  organizationId: string;
  userId: string;
  excludeSpendId: string;
  categoryId: string | null;
  spendDate: string;
  month: DateRange;
  teamId: string | null;
  teamPeriod: DateRange | null;
  /** lower-cased and trimmed; null without a merchant. */
  merchant: string | null;
  currency: string;
}

export interface SpendTotalsRow {
  userCategoryDay: bigint;
  userCategoryMonth: bigint;
  teamPeriod: bigint;
  merchant7d: number;
  merchant30d: number;
}

const STATEMENTS = {
  lock: { name: 'aggregates.lock', text: `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))` },
  spendTotals: {
    name: 'aggregates.spend_totals',
    text: `SELECT
             COALESCE(SUM(base_amount_minor) FILTER (WHERE $4::uuid IS NOT NULL AND user_id = $2 AND category_id = $4::uuid
               AND spend_date = $5::date), 0)::text AS "userCategoryDay",
             COALESCE(SUM(base_amount_minor) FILTER (WHERE $4::uuid IS NOT NULL AND user_id = $2 AND category_id = $4::uuid
               AND spend_date BETWEEN $6::date AND $7::date), 0)::text AS "userCategoryMonth",
             COALESCE(SUM(base_amount_minor) FILTER (WHERE $8::uuid IS NOT NULL AND team_id = $8::uuid
               AND spend_date BETWEEN $9::date AND $10::date), 0)::text AS "teamPeriod",
             COUNT(*) FILTER (WHERE $11::text IS NOT NULL AND user_id = $2 AND lower(btrim(merchant)) = $11::text
               AND spend_date BETWEEN $5::date - 7 AND $5::date + 7)::text AS "merchant7d",
             COUNT(*) FILTER (WHERE $11::text IS NOT NULL AND user_id = $2 AND lower(btrim(merchant)) = $11::text
               AND spend_date BETWEEN $5::date - 30 AND $5::date + 30)::text AS "merchant30d"
           FROM spends
           WHERE organization_id = $1 AND id <> $3 AND base_currency = $12 AND status IN ${COUNTED}
             AND (user_id = $2 OR ($8::uuid IS NOT NULL AND team_id = $8::uuid))
             AND spend_date BETWEEN LEAST($6::date, $9::date, $5::date - 30) AND GREATEST($7::date, $10::date, $5::date + 30)`,
  },
};
