import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { type ResolvedApprover, storedApprovers } from '../../approvals/approver-resolver';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { daysBetween } from '../../common/dates';
import { formatAmount } from '../../common/money/money';
import { OutboxService } from '../../common/outbox/outbox.service';
import { LinesEvaluation, ReportLines } from '../../spends/report-lines';
import type { Spend } from '../../spends/spend.entity';
import { ExpenseReport, ReportEvaluation } from '../expense-report.entity';
import { ExpenseReportErrors } from '../expense-reports.errors';
import { ExpenseReportsRepository } from '../expense-reports.repository';

export const reportSubject = (id: string) => ({ type: 'expense_report' as const, id });

/**
 * One submission round of a report, inside the caller's transaction (a submission, or a rejected
 * line resubmitted): the policies judge every line with the report's facts, the lines' outcomes
 * make the report's, and one approval chain decides the report.
 *
 * How line outcomes feed the report:
 * - a line a policy blocks blocks the submission: 422 EXPENSE_REPORT_LINE_BLOCKED naming each
 *   such line and its policy message, and nothing is stored;
 * - a line a require_receipt rule holds and that has no receipt: 422 EXPENSE_REPORT_RECEIPT_MISSING
 *   (a report is submitted with its evidence; there is no waiting for a receipt per line);
 * - every line's approval requirements make one chain, in the order they first appear, once per
 *   distinct approver (a rule on report_total matches on every line and so asks once);
 * - flags stay on their lines, and the report shows them all;
 * - no approver needed: the report and its lines are approved at once.
 */
@Injectable()
export class ReportRound {
  constructor(
    private readonly reports: ExpenseReportsRepository,
    private readonly lines: ReportLines,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** `submitting`: the lines this round decides (the others stay rejected); all row-locked. */
  async run(
    tx: EntityManager,
    actor: Actor,
    report: ExpenseReport,
    submitting: Spend[],
    action: string,
  ): Promise<void> {
    if (submitting.length === 0)
      throw ExpenseReportErrors.EXPENSE_REPORT_EMPTY('Add spends to the expense report before submitting it');
    const days = daysBetween(report.startsOn, report.endsOn) + 1;
    const evaluation = await this.lines.evaluate(tx, submitting, days, report.organizationId);
    refuseBlocked(submitting, evaluation);
    const chain = mergeChains(submitting.map((l) => evaluation.byLine.get(l.id)!.chain));

    for (const line of submitting) await this.lines.submit(tx, actor, line, evaluation.byLine.get(line.id)!.stored);
    await this.approvals.cancelOpen(tx, report.organizationId, reportSubject(report.id));
    const now = new Date();
    report.approvalRound += 1;
    report.policyEvaluation = reportEvaluation(submitting, evaluation, days, chain);
    report.lineRejections = Object.fromEntries(
      Object.entries(report.lineRejections).filter(([spendId]) => !submitting.some((l) => l.id === spendId)),
    );
    report.submittedAt = now;
    report.decidedAt = null;
    report.status = 'submitted';
    if (chain.length === 0) {
      await this.lines.move(tx, actor, submitting, 'approved');
      report.status = (await this.lines.lock(tx, report.organizationId, report.id)).some((l) => l.status === 'rejected')
        ? 'partly_approved'
        : 'approved';
      report.decidedAt = now;
    } else {
      await this.approvals.request(
        tx,
        actor,
        {
          organizationId: report.organizationId,
          ownerId: report.userId,
          teamId: submitting[0].teamId,
          subject: reportSubject(report.id),
          round: report.approvalRound,
        },
        chain,
      );
    }
    await this.reports.saveState(tx, report);
    await this.audit.record(tx, actor, {
      action,
      entityType: 'expense_report',
      entityId: report.id,
      metadata: {
        status: report.status,
        round: report.approvalRound,
        spend_ids: submitting.map((l) => l.id),
        report_total: report.policyEvaluation.report_total,
        approvers: chain.length,
        flags: report.policyEvaluation.flags,
      },
    });
    const event = { expense_report_id: report.id, user_id: report.userId, status: report.status };
    await this.outbox.enqueue(tx, report.organizationId, 'expense_report.submitted', event);
    if (report.status !== 'submitted')
      await this.outbox.enqueue(tx, report.organizationId, 'expense_report.approved', { ...event, comment: null });
  }
}

function refuseBlocked(lines: Spend[], evaluation: LinesEvaluation): void {
  const blocked = lines.filter((l) => evaluation.byLine.get(l.id)!.stored.decision === 'blocked');
  if (blocked.length > 0)
    throw ExpenseReportErrors.EXPENSE_REPORT_LINE_BLOCKED(
      `A policy blocks spend ${blocked[0].id}: ${evaluation.byLine.get(blocked[0].id)!.stored.block_message}; fix or remove the line`,
      {
        errors: blocked.map((l) => ({
          field: `lines.${l.id}`,
          message: evaluation.byLine.get(l.id)!.stored.block_message ?? 'blocked by a policy',
        })),
      },
    );
  const awaiting = lines.filter((l) => evaluation.byLine.get(l.id)!.stored.awaiting_receipt);
  if (awaiting.length > 0)
    throw ExpenseReportErrors.EXPENSE_REPORT_RECEIPT_MISSING(
      `Spend ${awaiting[0].id} needs a receipt under the policies; upload one (POST /spends/{id}/receipts) before submitting`,
      { errors: awaiting.map((l) => ({ field: `lines.${l.id}`, message: 'needs a receipt' })) },
    );
}

/** Every line's chain as one, in order of first appearance, once per distinct approver. */
function mergeChains(chains: ResolvedApprover[][]): ResolvedApprover[] {
  const merged: ResolvedApprover[] = [];
  for (const approver of chains.flat()) {
    if (!merged.some((a) => a.userId === approver.userId && a.role === approver.role)) merged.push(approver);
  }
  return merged;
}

function reportEvaluation(
  lines: Spend[],
  evaluation: LinesEvaluation,
  days: number,
  chain: ResolvedApprover[],
): ReportEvaluation {
  const matched: ReportEvaluation['matched_rules'] = [];
  for (const line of lines) {
    for (const rule of evaluation.byLine.get(line.id)!.stored.matched_rules) {
      if (!matched.some((m) => m.policy_id === rule.policy_id && m.rule_id === rule.rule_id))
        matched.push({ ...rule, spend_id: line.id });
    }
  }
  return {
    decision: chain.length === 0 ? 'approved' : 'pending_approval',
    matched_rules: matched,
    flags: [...new Set(lines.flatMap((l) => l.flags))].sort(),
    approvers: storedApprovers(chain),
    report_total: formatAmount(evaluation.totalMinor, evaluation.baseCurrency),
    report_days: days,
    report_spend_count: lines.length,
    evaluated_at: new Date().toISOString(),
  };
}
