import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { advanceAssignedText } from '../advance-text';
import { approvalEscalatedText, approvalReminderText, Party, SlaSubject } from '../approval-sla-text';
import { ApprovalFacts, NotificationSubjects, Recipient } from '../notification-subjects.repository';
import {
  approvalAssignedText,
  clip,
  describeSpend,
  formatMoney,
  NotificationText,
  reportApprovalText,
  spendLabel,
} from '../notification-text';
import type { PlannedNotification } from './notification-writer';

type Payload = Record<string, unknown>;
const uuid = (value: unknown): string | null => (typeof value === 'string' && isUUID(value) ? value : null);
const role = (value: unknown): 'finance' | 'admin' | null => (value === 'finance' || value === 'admin' ? value : null);
const hours = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** A step's subject as its notifications describe it. */
interface Subject {
  ownerId: string;
  sla: SlaSubject;
  assigned: (step: { number: number; role: 'finance' | 'admin' | null; note: string | null }) => NotificationText;
}

/**
 * Notifications about approval steps: a step assigned (`approval.assigned`), its approver
 * reminded and the step escalated by the approval SLA (`approval.reminded`,
 * `approval.escalated`; docs/approvals-sla.md). Recipients of a role's step are its active
 * holders but the subject's owner, or the admins when nobody holds it. A step no longer pending
 * when the job runs (decided, cancelled) notifies nobody.
 */
@Injectable()
export class ApprovalNotifications {
  constructor(private readonly subjects: NotificationSubjects) {}

  async assigned(tx: EntityManager, organizationId: string, payload: Payload): Promise<PlannedNotification[]> {
    const found = await this.pendingStep(tx, organizationId, payload);
    if (!found) return [];
    const { approval, subject, approvalId } = found;
    const message = subject.assigned({ number: approval.step, role: approval.approverRole, note: approval.note });
    const recipients = await this.approversOf(
      tx,
      organizationId,
      approval.approverUserId,
      approval.approverRole,
      subject,
    );
    return recipients.map((recipient) => plan(recipient, 'approval.assigned', message, approvalId));
  }

  /** The step's approvers (as the payload names them, when it was reminded). */
  async reminded(tx: EntityManager, organizationId: string, payload: Payload): Promise<PlannedNotification[]> {
    const found = await this.pendingStep(tx, organizationId, payload);
    if (!found) return [];
    const { approval, subject, approvalId } = found;
    const [userId, stepRole] = [uuid(payload.approver_user_id), role(payload.approver_role)];
    const message = approvalReminderText(subject.sla, {
      number: approval.step,
      role: stepRole,
      hoursPending: hours(payload.hours_pending),
      again: payload.reason === 'escalation',
    });
    const recipients = await this.approversOf(tx, organizationId, userId, stepRole, subject);
    return recipients.map((recipient) => plan(recipient, 'approval.reminded', message, approvalId));
  }

  /** The new approvers and the former ones, each told what happened from their side. */
  async escalated(tx: EntityManager, organizationId: string, payload: Payload): Promise<PlannedNotification[]> {
    const found = await this.pendingStep(tx, organizationId, payload);
    if (!found) return [];
    const { approval, subject, approvalId } = found;
    const [fromUser, fromRole] = [uuid(payload.from_user_id), role(payload.from_role)];
    const [toUser, toRole] = [uuid(payload.to_user_id), role(payload.to_role)];
    const names = await this.subjects.names(
      tx,
      organizationId,
      [fromUser, toUser].filter((id) => id !== null),
    );
    const party = (userId: string | null, r: string | null): Party =>
      userId ? { kind: 'person', name: names.get(userId) ?? 'a colleague' } : { kind: 'role', role: r ?? 'finance' };
    const step = { number: approval.step, hoursPending: hours(payload.hours_pending) };
    const toNew = approvalEscalatedText(subject.sla, { ...step, from: party(fromUser, fromRole), to: { kind: 'you' } });
    const toFormer = approvalEscalatedText(subject.sla, { ...step, from: { kind: 'you' }, to: party(toUser, toRole) });
    const newOnes = await this.approversOf(tx, organizationId, toUser, toRole, subject);
    const formerOnes = (await this.approversOf(tx, organizationId, fromUser, fromRole, subject)).filter(
      (r) => !newOnes.some((n) => n.id === r.id),
    );
    return [
      ...newOnes.map((recipient) => plan(recipient, 'approval.escalated', toNew, approvalId)),
      ...formerOnes.map((recipient) => plan(recipient, 'approval.escalated', toFormer, approvalId)),
    ];
  }

  private async pendingStep(
    tx: EntityManager,
    organizationId: string,
    payload: Payload,
  ): Promise<{ approval: ApprovalFacts; subject: Subject; approvalId: string } | null> {
    const approvalId = uuid(payload.approval_id);
    if (!approvalId) return null;
    const approval = await this.subjects.approval(tx, organizationId, approvalId);
    if (!approval || approval.status !== 'pending') return null;
    const subject = await this.subjectOf(tx, organizationId, approval);
    return subject ? { approval, subject, approvalId } : null;
  }

  private async subjectOf(tx: EntityManager, organizationId: string, approval: ApprovalFacts): Promise<Subject | null> {
    if (approval.spendId) {
      const spend = await this.subjects.spend(tx, organizationId, approval.spendId);
      if (!spend) return null;
      const label = `${spendLabel(spend)}, ${formatMoney(spend.amountMinor, spend.currency)}`;
      return {
        ownerId: spend.ownerId,
        sla: { noun: 'spend', label, description: describeSpend(spend), ownerName: spend.ownerName },
        assigned: (step) => approvalAssignedText(spend, step),
      };
    }
    if (approval.expenseReportId) {
      const report = await this.subjects.expenseReport(tx, organizationId, approval.expenseReportId);
      if (!report) return null;
      const title = clip(report.title, 200);
      return {
        ownerId: report.ownerId,
        sla: {
          noun: 'expense report',
          label: `expense report ${title}`,
          description: `“${title}”`,
          ownerName: report.ownerName,
        },
        assigned: (step) => reportApprovalText(report, report.ownerName, step),
      };
    }
    if (approval.subjectType === 'advance') {
      const advance = await this.subjects.advance(tx, organizationId, approval.subjectId);
      if (!advance) return null;
      const amount = formatMoney(advance.amountMinor, advance.currency);
      const purpose = clip(advance.purpose.trim(), 200);
      return {
        ownerId: advance.ownerId,
        sla: {
          noun: 'cash advance',
          label: `advance ${amount}, ${clip(purpose, 80)}`,
          description: `of ${amount} for “${purpose}”`,
          ownerName: advance.ownerName,
        },
        assigned: (step) => advanceAssignedText(advance, step),
      };
    }
    return null;
  }

  private async approversOf(
    tx: EntityManager,
    organizationId: string,
    userId: string | null,
    stepRole: 'finance' | 'admin' | null,
    subject: Subject,
  ): Promise<Recipient[]> {
    if (userId) return this.subjects.users(tx, organizationId, [userId]);
    if (!stepRole) return [];
    const holders = (await this.subjects.activeWithRole(tx, organizationId, stepRole)).filter(
      (r) => r.id !== subject.ownerId,
    );
    if (holders.length > 0 || stepRole === 'admin') return holders;
    return (await this.subjects.activeWithRole(tx, organizationId, 'admin')).filter((r) => r.id !== subject.ownerId);
  }
}

function plan(
  recipient: Recipient,
  type: PlannedNotification['type'],
  text: NotificationText,
  approvalId: string,
): PlannedNotification {
  return { recipient, type, text, entityType: 'approval', entityId: approvalId };
}
