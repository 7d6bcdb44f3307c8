import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../database/sql';
import { Spend } from './spend.entity';
import { SpendRow, toSpend } from './spend-row';
import { SPEND_COLUMNS } from './spends.repository';

/**
 * The statements behind ReportLines: which spends are lines of an expense report, and placing
 * spends in and out of one. Always scoped by organization; the composite foreign keys on
 * `spends.expense_report_id` keep a line in its owner's report of its own organization.
 */
@Injectable()
export class ReportLinesRepository {
  /** The report's lines, row-locked, oldest spend_date first, then as they were made (the order of the summary). */
  async lockLines(tx: EntityManager, organizationId: string, reportId: string): Promise<Spend[]> {
    return (await runSql<SpendRow>(tx, LOCK_LINES, [organizationId, reportId])).map(toSpend);
  }

  async linesOf(db: EntityManager | DataSource, organizationId: string, reportIds: string[]): Promise<Spend[]> {
    return (await runSql<SpendRow>(db, LINES_OF, [organizationId, reportIds])).map(toSpend);
  }

  /** The spends named, row-locked in id order (so that two requests never lock them crosswise). */
  async lockSpends(tx: EntityManager, organizationId: string, ids: string[]): Promise<Spend[]> {
    return (await runSql<SpendRow>(tx, LOCK_SPENDS, [organizationId, ids])).map(toSpend);
  }

  async setReport(tx: EntityManager, organizationId: string, ids: string[], reportId: string | null): Promise<void> {
    await runSql(tx, SET_REPORT, [organizationId, ids, reportId]);
  }

  async detachAll(tx: EntityManager, organizationId: string, reportId: string): Promise<void> {
    await runSql(tx, DETACH_ALL, [organizationId, reportId]);
  }
}

const LOCK_LINES = {
  name: 'report_lines.lock_lines',
  text: `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.expense_report_id = $2
         ORDER BY s.spend_date, s.created_at, s.id FOR UPDATE`,
};

const LINES_OF = {
  name: 'report_lines.lines_of',
  text: `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.expense_report_id = ANY($2::uuid[])
         ORDER BY s.spend_date, s.created_at, s.id`,
};

const LOCK_SPENDS = {
  name: 'report_lines.lock_spends',
  text: `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.id = ANY($2::uuid[]) ORDER BY s.id FOR UPDATE`,
};

const SET_REPORT = {
  name: 'report_lines.set_report',
  text: `UPDATE spends SET expense_report_id = $3, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};

const DETACH_ALL = {
  name: 'report_lines.detach_all',
  text: `UPDATE spends SET expense_report_id = NULL, updated_at = CURRENT_TIMESTAMP
         WHERE organization_id = $1 AND expense_report_id = $2`,
};
