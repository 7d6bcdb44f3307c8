import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import type { OutboxTopic } from '../../common/outbox/outbox.service';
import { JobRegistry, OutboxJob } from '../../jobs/job-registry';
import { advanceApprovedText, advancePaidText, advanceRejectedText } from '../advance-text';
import { AdvanceFacts, NotificationSubjects, SpendFacts } from '../notification-subjects.repository';
import {
  approvalDelegatedText,
  expenseReportDecidedText,
  expenseReportPaidText,
  NotificationText,
  receiptFailedText,
  receiptProcessedText,
  reportFailedText,
  reportReadyText,
  spendApprovedText,
  spendBlockedText,
  spendPaidText,
  spendRejectedText,
} from '../notification-text';
import { ApprovalNotifications } from './approval-notifications';
import { NotificationWriter, PlannedNotification } from './notification-writer';

export const NOTIFIED_TOPICS = [
  'approval.assigned',
  'approval.reminded',
  'approval.escalated',
  'approval_delegation.created',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'receipt.processed',
  'advance.approved',
  'advance.rejected',
  'advance.paid',
  'expense_report.approved',
  'expense_report.rejected',
  'expense_report.paid',
  'report.finished',
] as const satisfies readonly OutboxTopic[];
type NotifiedTopic = (typeof NOTIFIED_TOPICS)[number];

type Payload = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
/** An id from a payload; anything else names nothing (and must not reach SQL as a uuid). */
const uuid = (value: unknown): string | null => (typeof value === 'string' && isUUID(value) ? value : null);

/**
 * The `notifications` job: turns events from the outbox into in-app notifications (and their
 * e-mails) for the people concerned. Idempotent: each notification is keyed by its outbox
 * row, recipient and type, so a job that runs again creates nothing new. Inactive users are
 * not notified.
 */
@Injectable()
export class EventNotifications implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: JobRegistry,
    private readonly subjects: NotificationSubjects,
    private readonly writer: NotificationWriter,
    private readonly approvals: ApprovalNotifications,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'notifications',
      topics: NOTIFIED_TOPICS,
      handle: async (job) => {
        await this.handle(job);
      },
      attempts: 8,
      backoffMs: 2_000,
      concurrency: 2,
    });
  }

  /** How many notifications were new. */
  async handle(job: OutboxJob<NotifiedTopic>): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const planned = await this.plan(tx, job.organizationId, job.topic, job.payload);
      return this.writer.write(
        tx,
        job.organizationId,
        `outbox:${job.outboxId}`,
        planned.filter((p) => p.recipient.isActive),
      );
    });
  }

  private async plan(
    tx: EntityManager,
    organizationId: string,
    topic: OutboxTopic,
    payload: Payload,
  ): Promise<PlannedNotification[]> {
    switch (topic) {
      case 'approval.assigned':
        return this.approvals.assigned(tx, organizationId, payload);
      case 'approval.reminded':
        return this.approvals.reminded(tx, organizationId, payload);
      case 'approval.escalated':
        return this.approvals.escalated(tx, organizationId, payload);
      case 'approval_delegation.created': {
        const [delegationId, delegateId] = [uuid(payload.delegation_id), uuid(payload.delegate_id)];
        const [startsOn, endsOn] = [text(payload.starts_on), text(payload.ends_on)];
        if (!delegationId || !delegateId || !startsOn || !endsOn) return [];
        const recipients = await this.subjects.users(tx, organizationId, [delegateId]);
        const message = approvalDelegatedText({
          delegatorName: text(payload.delegator_name) ?? 'A colleague',
          startsOn,
          endsOn,
          reason: text(payload.reason),
        });
        return recipients.map((recipient) => ({
          recipient,
          type: 'approval.delegated' as const,
          text: message,
          entityType: 'approval_delegation' as const,
          entityId: delegationId,
        }));
      }
      case 'spend.approved':
        return this.toOwner(tx, organizationId, payload, 'spend.approved', (spend) =>
          spendApprovedText(spend, text(payload.comment)),
        );
      case 'spend.rejected': {
        const spendId = uuid(payload.spend_id);
        const by = spendId ? await this.subjects.rejectedBy(tx, organizationId, spendId) : null;
        return this.toOwner(tx, organizationId, payload, 'spend.rejected', (spend) =>
          spendRejectedText(spend, { comment: text(payload.comment), by }),
        );
      }
      case 'spend.blocked':
        return this.toOwner(tx, organizationId, payload, 'spend.blocked', (spend) =>
          spendBlockedText(spend, text(payload.message)),
        );
      case 'spend.paid':
        return this.toOwner(tx, organizationId, payload, 'spend.paid', (spend) =>
          spendPaidText(spend, text(payload.reference)),
        );
      case 'receipt.processed':
        return this.receiptProcessed(tx, organizationId, payload);
      case 'advance.approved':
        return this.toAdvanceOwner(tx, organizationId, payload, 'advance.approved', (advance) =>
          advanceApprovedText(advance, text(payload.comment)),
        );
      case 'advance.rejected': {
        const advanceId = uuid(payload.advance_id);
        const by = advanceId ? await this.subjects.advanceRejectedBy(tx, organizationId, advanceId) : null;
        return this.toAdvanceOwner(tx, organizationId, payload, 'advance.rejected', (advance) =>
          advanceRejectedText(advance, { comment: text(payload.comment), by }),
        );
      }
      case 'advance.paid':
        return this.toAdvanceOwner(tx, organizationId, payload, 'advance.paid', (advance) =>
          advancePaidText(advance, text(payload.reference)),
        );
      case 'expense_report.approved':
      case 'expense_report.rejected':
      case 'expense_report.paid':
        return this.reportDecided(tx, organizationId, topic, payload);
      case 'report.finished':
        return this.storedReportFinished(tx, organizationId, payload);
      default:
        return [];
    }
  }

  private async toOwner(
    tx: EntityManager,
    organizationId: string,
    payload: Payload,
    type: PlannedNotification['type'],
    write: (spend: SpendFacts) => NotificationText,
  ): Promise<PlannedNotification[]> {
    const spendId = uuid(payload.spend_id);
    const spend = spendId ? await this.subjects.spend(tx, organizationId, spendId) : null;
    if (!spend) return [];
    const [owner] = await this.subjects.users(tx, organizationId, [spend.ownerId]);
    if (!owner) return [];
    return [{ recipient: owner, type, text: write(spend), entityType: 'spend', entityId: spend.id }];
  }

  private async toAdvanceOwner(
    tx: EntityManager,
    organizationId: string,
    payload: Payload,
    type: PlannedNotification['type'],
    write: (advance: AdvanceFacts) => NotificationText,
  ): Promise<PlannedNotification[]> {
    const advanceId = uuid(payload.advance_id);
    const advance = advanceId ? await this.subjects.advance(tx, organizationId, advanceId) : null;
    if (!advance) return [];
    const [owner] = await this.subjects.users(tx, organizationId, [advance.ownerId]);
    if (!owner) return [];
    return [{ recipient: owner, type, text: write(advance), entityType: 'advance', entityId: advance.id }];
  }

  /** The report's owner hears how it was decided, and when it was paid. */
  private async reportDecided(
    tx: EntityManager,
    organizationId: string,
    topic: 'expense_report.approved' | 'expense_report.rejected' | 'expense_report.paid',
    payload: Payload,
  ): Promise<PlannedNotification[]> {
    const reportId = uuid(payload.expense_report_id);
    const report = reportId ? await this.subjects.expenseReport(tx, organizationId, reportId) : null;
    if (!report) return [];
    const [owner] = await this.subjects.users(tx, organizationId, [report.ownerId]);
    if (!owner) return [];
    const status = topic === 'expense_report.rejected' ? 'rejected' : (text(payload.status) ?? 'approved');
    return [
      {
        recipient: owner,
        type: topic,
        text:
          topic === 'expense_report.paid'
            ? expenseReportPaidText(report, text(payload.reference))
            : expenseReportDecidedText(report, status, text(payload.comment)),
        entityType: 'expense_report',
        entityId: report.id,
      },
    ];
  }

  /** The requester of a stored report hears that it is ready, or why it failed (as the job's payload says, written with the row's last change). */
  private async storedReportFinished(
    tx: EntityManager,
    organizationId: string,
    payload: Payload,
  ): Promise<PlannedNotification[]> {
    const [reportId, requesterId] = [uuid(payload.report_id), uuid(payload.requested_by)];
    if (!reportId || !requesterId) return [];
    const [requester] = await this.subjects.users(tx, organizationId, [requesterId]);
    if (!requester) return [];
    const kind = text(payload.kind) ?? 'report';
    const ready = payload.status === 'ready';
    const expiresAt = text(payload.expires_at);
    return [
      {
        recipient: requester,
        type: ready ? 'report.ready' : 'report.failed',
        text: ready
          ? reportReadyText({ kind, expiresAt: expiresAt ? new Date(expiresAt) : null })
          : reportFailedText({ kind, errorCode: text(payload.error_code) }),
        entityType: 'stored_report',
        entityId: reportId,
      },
    ];
  }

  /**
   * The spend's owner and, when someone else (finance) uploaded the receipt, the uploader too.
   * A receipt that is being read again by now (a reprocess) notifies nobody: the new run will.
   */
  private async receiptProcessed(
    tx: EntityManager,
    organizationId: string,
    payload: Payload,
  ): Promise<PlannedNotification[]> {
    const receiptId = uuid(payload.receipt_id);
    if (!receiptId) return [];
    const receipt = await this.subjects.receipt(tx, organizationId, receiptId);
    if (!receipt || (receipt.ocrStatus !== 'done' && receipt.ocrStatus !== 'failed')) return [];
    const spend = await this.subjects.spend(tx, organizationId, receipt.spendId);
    if (!spend) return [];
    const recipients = await this.subjects.users(tx, organizationId, [...new Set([spend.ownerId, receipt.uploadedBy])]);
    return recipients.map((recipient) => {
      const own = recipient.id === spend.ownerId;
      if (receipt.ocrStatus === 'failed') {
        return {
          recipient,
          type: 'receipt.failed',
          text: receiptFailedText(spend, { filename: receipt.filename, error: receipt.ocrError }, own),
          entityType: 'receipt',
          entityId: receiptId,
        };
      }
      const extracted = receipt.extracted;
      const reading = {
        filename: receipt.filename,
        merchant: extracted?.merchant ?? null,
        date: extracted?.date ?? null,
        total: extracted?.total ?? null,
        currency: extracted?.currency ?? null,
        verified: receipt.verified,
        amountMismatch: receipt.flags.includes('amount_mismatch'),
      };
      return {
        recipient,
        type: 'receipt.processed',
        text: receiptProcessedText(spend, reading, own),
        entityType: 'receipt',
        entityId: receiptId,
      };
    });
  }
}
