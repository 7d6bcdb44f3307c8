import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { diff } from '../../common/changes';
import { ReportLines } from '../../spends/report-lines';
import { AddReportSpendsDto, CreateExpenseReportDto, UpdateExpenseReportDto } from '../dto/expense-report-input.dto';
import { ExpenseReport, ExpenseReportStatus } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';
import { ReportAdvances } from './report-advances';
import { ReportLocks } from './report-locks';

/** A report's lines and fields change while it is a draft, or rejected (to be fixed and submitted again). */
const EDITABLE: ExpenseReportStatus[] = ['draft', 'rejected'];
/** Spends that may join a report: not submitted on their own, or rejected and so open again. */
const ADDABLE = ['draft', 'rejected'];

/** The owner creates, edits and deletes a report, and puts spends in and out of it. */
@Injectable()
export class ReportDrafting {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: ExpenseReportsRepository,
    private readonly locks: ReportLocks,
    private readonly lines: ReportLines,
    private readonly audit: AuditService,
    private readonly advances: ReportAdvances,
  ) {}

  async create(actor: Actor, dto: CreateExpenseReportDto): Promise<ExpenseReport> {
    checkDates(dto.starts_on, dto.ends_on);
    return this.dataSource.transaction(async (tx) => {
      const report = Object.assign(new ExpenseReport(), {
        organizationId: actor.organizationId,
        userId: actor.userId,
        title: dto.title,
        purpose: dto.purpose ?? null,
        startsOn: dto.starts_on,
        endsOn: dto.ends_on,
        trip: dto.trip ?? null,
        status: 'draft',
      });
      await this.reports.insert(tx, report);
      await this.audit.record(tx, actor, {
        action: 'expense_report.created',
        entityType: 'expense_report',
        entityId: report.id,
        metadata: { title: report.title, starts_on: report.startsOn, ends_on: report.endsOn, trip: report.trip },
      });
      return report;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateExpenseReportDto): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      editable(report);
      const before = { ...report };
      if (dto.title !== undefined) report.title = dto.title;
      if (dto.purpose !== undefined) report.purpose = dto.purpose;
      if (dto.trip !== undefined) report.trip = dto.trip;
      if (dto.starts_on !== undefined) report.startsOn = dto.starts_on;
      if (dto.ends_on !== undefined) report.endsOn = dto.ends_on;
      checkDates(report.startsOn, report.endsOn);
      const changes = diff(before, report, ['title', 'purpose', 'trip', 'startsOn', 'endsOn']);
      if (Object.keys(changes).length === 0) return report;
      await this.reports.saveFields(tx, report);
      await this.audit.record(tx, actor, {
        action: 'expense_report.updated',
        entityType: 'expense_report',
        entityId: id,
        metadata: { changes },
      });
      return report;
    });
  }

  /**
   * A report never submitted goes, its lines back to plain drafts and its advances unlinked. One that was submitted keeps
   * its approval history: empty it instead.
   */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.locks.asOwner(actor, id, async (tx, report) => {
      if (report.status !== 'draft' || report.approvalRound > 0)
        throw ExpenseReportErrors.EXPENSE_REPORT_NOT_EDITABLE(
          'Only a report never submitted can be deleted; this one keeps its approval history (remove its lines instead)',
        );
      const lines = await this.lines.lock(tx, actor.organizationId, id);
      await this.lines.detachAll(tx, actor, id, lines);
      const advanceIds = await this.advances.unlinkAll(tx, actor, id);
      await this.reports.delete(tx, actor.organizationId, id);
      await this.audit.record(tx, actor, {
        action: 'expense_report.deleted',
        entityType: 'expense_report',
        entityId: id,
        metadata: { title: report.title, spend_ids: lines.map((l) => l.id), advance_ids: advanceIds },
      });
    });
  }

  /**
   * Adds the owner's own draft or rejected spends. A spend of another organization or of
   * someone else is not found (404, naming it); one already in another report is 409; one in
   * this report already is left as it is.
   */
  async addSpends(actor: Actor, id: string, dto: AddReportSpendsDto): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      editable(report);
      const spends = await this.lines.lockSpends(tx, actor.organizationId, dto.spend_ids);
      const own = new Map(spends.filter((s) => s.userId === report.userId).map((s) => [s.id, s]));
      const missing = dto.spend_ids.filter((spendId) => !own.has(spendId));
      if (missing.length > 0)
        throw ExpenseReportErrors.EXPENSE_REPORT_SPEND_NOT_FOUND(`Spend ${missing[0]} is not one of your spends`, {
          errors: missing.map((spendId) => ({ field: 'spend_ids', message: `${spendId} is not one of your spends` })),
        });
      const elsewhere = [...own.values()].filter((s) => s.expenseReportId !== null && s.expenseReportId !== id);
      if (elsewhere.length > 0)
        throw ExpenseReportErrors.SPEND_IN_ANOTHER_REPORT(
          `Spend ${elsewhere[0].id} is a line of expense report ${elsewhere[0].expenseReportId}; remove it there first`,
        );
      const closed = [...own.values()].filter((s) => s.expenseReportId === null && !ADDABLE.includes(s.status));
      if (closed.length > 0)
        throw ExpenseReportErrors.EXPENSE_REPORT_SPEND_NOT_ADDABLE(
          `Spend ${closed[0].id} is ${closed[0].status}; only draft and rejected spends join a report`,
        );
      const joining = [...own.values()].filter((s) => s.expenseReportId === null);
      await this.lines.attach(tx, actor, id, joining);
      if (joining.length > 0)
        await this.audit.record(tx, actor, {
          action: 'expense_report.spends_added',
          entityType: 'expense_report',
          entityId: id,
          metadata: { spend_ids: joining.map((s) => s.id) },
        });
      return report;
    });
  }

  async removeSpend(actor: Actor, id: string, spendId: string): Promise<ExpenseReport> {
    return this.locks.asOwner(actor, id, async (tx, report) => {
      editable(report);
      const line = (await this.lines.lock(tx, actor.organizationId, id)).find((l) => l.id === spendId);
      if (!line)
        throw ExpenseReportErrors.EXPENSE_REPORT_LINE_NOT_FOUND(
          `Spend ${spendId} is not a line of this expense report`,
        );
      await this.lines.detach(tx, actor, id, line);
      await this.audit.record(tx, actor, {
        action: 'expense_report.spend_removed',
        entityType: 'expense_report',
        entityId: id,
        metadata: { spend_id: spendId },
      });
      return report;
    });
  }
}

function editable(report: ExpenseReport): void {
  if (!EDITABLE.includes(report.status))
    throw ExpenseReportErrors.EXPENSE_REPORT_NOT_EDITABLE(
      `An expense report changes while draft or rejected; this one is ${report.status} (recall it first while it is undecided)`,
    );
}

function checkDates(startsOn: string, endsOn: string): void {
  if (endsOn < startsOn)
    throw ExpenseReportErrors.EXPENSE_REPORT_INVALID_DATES(`ends_on ${endsOn} is before starts_on ${startsOn}`, {
      errors: [{ field: 'ends_on', message: 'must not be before starts_on' }],
    });
}
