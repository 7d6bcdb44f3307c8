import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, SystemActor } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { toMajorNumber } from '../common/money/money';
import { OrganizationsService } from '../organizations/organizations.service';
import { ReportLinesRepository } from './report-lines.repository';
import { Spend, SpendStatus, StoredEvaluation } from './spend.entity';
import { SpendPaymentsRepository } from './spend-payments.repository';
import { SpendsRepository } from './spends.repository';
import { PolicyCheck, PolicyCheckResult } from './use-cases/policy-check';
import { SpendFields } from './use-cases/spend-fields';

/** What the policies said of each line of a report, and the report's total they were told. */
export interface LinesEvaluation {
  totalMinor: bigint;
  baseCurrency: string;
  byLine: Map<string, PolicyCheckResult>;
}

/** The spends the aggregate queries do not count yet (a line already pending is read from the table). */
const uncounted = (spends: Spend[]) =>
  spends.filter((s) => !(['pending_approval', 'approved', 'paid'] as SpendStatus[]).includes(s.status));

/** Where a report's decision moves its lines. */
export type LineMove = Extract<SpendStatus, 'draft' | 'pending_approval' | 'approved' | 'rejected'>;

/**
 * The spends module's side of expense reports (`expense-reports` sits above spends and calls
 * this; spends never imports it): which spends are lines of a report, putting them in and out,
 * evaluating them with the report's facts, and moving their status with the report's. Every
 * move is audited on the spend. A line has no approval chain of its own: its report's decides it.
 */
@Injectable()
export class ReportLines {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lines: ReportLinesRepository,
    private readonly spends: SpendsRepository,
    private readonly payments: SpendPaymentsRepository,
    private readonly fields: SpendFields,
    private readonly policyCheck: PolicyCheck,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  lock(tx: EntityManager, organizationId: string, reportId: string): Promise<Spend[]> {
    return this.lines.lockLines(tx, organizationId, reportId);
  }

  /** The lines of the given reports, oldest spend_date first. */
  of(organizationId: string, reportIds: string[], tx?: EntityManager): Promise<Spend[]> {
    if (reportIds.length === 0) return Promise.resolve([]);
    return this.lines.linesOf(tx ?? this.dataSource, organizationId, reportIds);
  }

  /** Spends of the organization by id, row-locked; ids of other organizations are simply absent. */
  lockSpends(tx: EntityManager, organizationId: string, ids: string[]): Promise<Spend[]> {
    return this.lines.lockSpends(tx, organizationId, ids);
  }

  async attach(tx: EntityManager, actor: Actor, reportId: string, spends: Spend[]): Promise<void> {
    if (spends.length === 0) return;
    await this.lines.setReport(
      tx,
      actor.organizationId,
      spends.map((s) => s.id),
      reportId,
    );
    for (const spend of spends) {
      spend.expenseReportId = reportId;
      await this.record(tx, actor, spend, 'spend.added_to_report', {});
    }
  }

  async detach(tx: EntityManager, actor: Actor, reportId: string, spend: Spend): Promise<void> {
    await this.lines.setReport(tx, actor.organizationId, [spend.id], null);
    spend.expenseReportId = null;
    await this.record(tx, actor, spend, 'spend.removed_from_report', { expense_report_id: reportId });
  }

  async detachAll(tx: EntityManager, actor: Actor, reportId: string, lines: Spend[]): Promise<void> {
    await this.lines.detachAll(tx, actor.organizationId, reportId);
    for (const spend of lines) {
      spend.expenseReportId = null;
      await this.record(tx, actor, spend, 'spend.removed_from_report', { expense_report_id: reportId });
    }
  }

  /**
   * Converts every line at the rate of its day again (a rate may have been added since it was
   * saved), flags likely duplicates, and runs the policies over each line with the report's facts
   * (`report_total` of the lines given, `report_days`, `report_spend_count`). Writes nothing.
   * Each line's aggregate fields count the lines judged before it (in line order) as submitted,
   * so that lines judged together cannot pass a budget or total that they exceed together; a
   * line judged blocked counts in none (as a blocked spend consumes nothing).
   */
  async evaluate(tx: EntityManager, lines: Spend[], days: number, organizationId: string): Promise<LinesEvaluation> {
    for (const spend of lines) await this.fields.convert(tx, spend);
    const totalMinor = lines.reduce((sum, s) => sum + BigInt(s.baseAmountMinor), 0n);
    const baseCurrency = lines[0]?.baseCurrency ?? (await this.organizations.baseCurrency(tx, organizationId));
    const facts = {
      report_total: toMajorNumber(totalMinor, baseCurrency),
      report_days: days,
      report_spend_count: lines.length,
    };
    const byLine = new Map<string, PolicyCheckResult>();
    await this.policyCheck.lockAggregates(tx, organizationId, lines);
    const judged: Spend[] = [];
    for (const spend of lines) {
      const systemFlags = new Set(spend.systemFlags.filter((f) => f !== 'duplicate_suspected'));
      if (await this.spends.hasDuplicate(tx, spend)) systemFlags.add('duplicate_suspected');
      spend.systemFlags = [...systemFlags].sort();
      const result = await this.policyCheck.run(tx, spend, facts, uncounted(judged));
      byLine.set(spend.id, result);
      if (result.evaluation.decision !== 'blocked') judged.push(spend);
    }
    return { totalMinor, baseCurrency, byLine };
  }

  /** Writes a line submitted with its report: its evaluation, pending its report's decision, a new round. */
  async submit(tx: EntityManager, actor: Actor, spend: Spend, stored: StoredEvaluation): Promise<void> {
    spend.policyEvaluation = stored;
    spend.flags = stored.flags;
    spend.status = 'pending_approval';
    spend.submittedAt = new Date();
    spend.decidedAt = null;
    spend.approvalRound += 1;
    await this.spends.saveSubmission(tx, spend);
    await this.record(tx, actor, spend, 'spend.submitted', { status: spend.status, flags: spend.flags });
  }

  /** Moves lines with their report (recalled: draft; decided: approved or rejected). */
  async move(
    tx: EntityManager,
    actor: Actor | SystemActor,
    lines: Spend[],
    status: LineMove,
    comment: string | null = null,
  ): Promise<void> {
    for (const spend of lines) {
      if (spend.status === status) continue;
      const from = spend.status;
      spend.status = status;
      spend.decidedAt = status === 'approved' || status === 'rejected' ? new Date() : null;
      await this.spends.saveOutcome(tx, spend);
      await this.record(tx, actor, spend, `spend.${status === 'pending_approval' ? 'resubmitted' : status}`, {
        from,
        comment,
      });
    }
  }

  /** The report was paid: its approved lines with it. A payment is never undone (a payout the bank returns is a failed line, released before it is paid). */
  async setPaid(
    tx: EntityManager,
    actor: Actor | SystemActor,
    lines: Spend[],
    payment: { paidAt: Date; paidBy: string | null; reference: string | null },
  ): Promise<void> {
    const moving = lines.filter((spend) => spend.status === 'approved');
    const ids = moving.map((spend) => spend.id);
    if (moving.length === 0) return;
    const { organizationId } = moving[0];
    await this.payments.markPaid(tx, organizationId, ids, payment);
    for (const spend of moving) {
      spend.status = 'paid';
      spend.paidAt = payment.paidAt;
      spend.paidBy = payment.paidBy;
      spend.paymentReference = payment.reference;
      await this.record(tx, actor, spend, 'spend.paid', {
        reference: spend.paymentReference,
      });
    }
  }

  private record(
    tx: EntityManager,
    actor: Actor | SystemActor,
    spend: Spend,
    action: string,
    metadata: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(tx, actor, {
      action,
      entityType: 'spend',
      entityId: spend.id,
      metadata: { expense_report_id: spend.expenseReportId, ...metadata },
    });
  }
}
