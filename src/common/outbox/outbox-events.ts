import { isUUID } from 'class-validator';

/** What every event about a spend says. */
type SpendEvent = {
  spend_id: string;
  /** The spend's owner. */
  user_id: string;
};

/** What every event about a cash advance says: the advance as it is after the change. */
type AdvanceEvent = {
  advance_id: string;
  /** The advance's owner. */
  user_id: string;
  status: string;
  /** Decimal string in `currency`'s minor digits, as the API answers it. */
  amount: string;
  currency: string;
};

/** What every event about an expense report says. */
type ExpenseReportEvent = {
  expense_report_id: string;
  /** The report's owner. */
  user_id: string;
};

/** What every approval SLA event says: the step, and how long it has been pending. */
type ApprovalSlaEvent = {
  approval_id: string;
  subject_type: string;
  subject_id: string;
  /** Set when the subject is a spend. */
  spend_id?: string;
  step: number;
  hours_pending: number;
};

/**
 * Every outbox topic and the payload its producers write: the one place both sides of a topic
 * are typed from. `OutboxService.enqueue` takes the payload of the topic it is given, and a
 * consumer registered for some topics receives their payloads (`OutboxJob<T>`), so neither
 * side casts. Add a topic here, with its validator below, before producing it.
 */
export interface OutboxEvents {
  'spend.submitted': SpendEvent & { status: string };
  'spend.approved': SpendEvent & { status?: string; comment?: string | null };
  'spend.rejected': SpendEvent & { comment: string | null };
  'spend.blocked': SpendEvent & { status: string; message: string | null };
  'spend.paid': SpendEvent & { reference: string | null };
  'spend.cancelled': SpendEvent;
  'advance.requested': AdvanceEvent;
  'advance.approved': AdvanceEvent & { comment: string | null };
  'advance.rejected': AdvanceEvent & { comment: string | null };
  'advance.paid': AdvanceEvent & { reference: string };
  'advance.cancelled': AdvanceEvent;
  'expense_report.submitted': ExpenseReportEvent & { status: string };
  'expense_report.approved': ExpenseReportEvent & { status: string; comment: string | null };
  'expense_report.rejected': ExpenseReportEvent & { comment: string | null };
  'expense_report.paid': ExpenseReportEvent & { reference: string | null; payout_batch_id: string | null };
  /** A delegation of approvals was created: its delegate is told (docs/approvals-delegation.md). */
  'approval_delegation.created': {
    delegation_id: string;
    delegator_id: string;
    /** The delegator's name when it was created, for the delegate's notification. */
    delegator_name: string;
    delegate_id: string;
    starts_on: string;
    ends_on: string;
    reason: string | null;
    created_by: string;
  };
  'approval.assigned': {
    approval_id: string;
    /** Absent from rows written before approvals decided subjects other than spends. */
    subject_type?: string;
    subject_id?: string;
    /** Set when the subject is a spend. */
    spend_id?: string;
    step: number;
    approver_user_id: string | null;
    approver_role: string | null;
  };
  /** The approval SLA reminded a step's approver (docs/approvals-sla.md). */
  'approval.reminded': ApprovalSlaEvent & {
    approver_user_id: string | null;
    approver_role: string | null;
    /** `escalation`: an admin-role step, due for escalation with nobody above it, reminded again. */
    reason: 'reminder' | 'escalation';
  };
  /** The approval SLA moved an overdue step to another approver: both sides are told. */
  'approval.escalated': ApprovalSlaEvent & {
    from_user_id: string | null;
    from_role: string | null;
    to_user_id: string | null;
    to_role: string | null;
  };
  /** A payout batch was marked paid: each line paid, or failed and its item approved again. */
  'payout.paid': {
    batch_id: string;
    rail: string;
    currency: string;
    /** The lines paid, as a decimal string in `currency`. */
    paid_total: string;
    paid_at: string;
    lines: Array<{
      line_id: string;
      item_type: string;
      item_id: string;
      payee_user_id: string;
      amount: string;
      status: string;
      failure_reason: string | null;
    }>;
  };
  /** A receipt waits for OCR (upload, reprocess): the run the job is for. */
  'receipt.ocr_requested': { receipt_id: string; run: number };
  /** OCR finished, done or failed. */
  'receipt.processed': {
    receipt_id: string;
    spend_id: string;
    uploaded_by: string;
    ocr_status: string;
    verified: boolean;
  };
  /** A stored report was queued (POST /reports): the job that builds its file. */
  'report.requested': { report_id: string; requested_by: string };
  /** A stored report's job finished, ready or failed: its requester is notified. */
  'report.finished': {
    report_id: string;
    requested_by: string;
    kind: string;
    status: 'ready' | 'failed';
    error_code: string | null;
    /** When the file expires; null when it failed. */
    expires_at: string | null;
  };
  /** An in-app notification to send by e-mail too (SMTP_URL set, recipient opted in). */
  'notification.email': { notification_id: string };
  /** One attempt at delivering a webhook event to a subscriber. */
  'webhook.delivery': { delivery_id: string; attempt: number };
  /**
   * A password reset to e-mail (the auth module makes it, notifications sends it): the token
   * sealed with SECRETS_KEY under `password_reset:<reset_id>`, never in the clear.
   */
  'auth.password_reset_requested': {
    reset_id: string;
    user_id: string;
    to: string;
    full_name: string;
    organization_name: string;
    token_sealed: string;
    expires_at: string;
    /** PASSWORD_RESET_URL when it is set: the page the e-mail links to. */
    link: string | null;
  };
}

/** Topics of side effects that leave the process; consumers turn them into jobs. */
export type OutboxTopic = keyof OutboxEvents;

/**
 * A payload as a consumer reads it back: what the producer wrote, and, on events about a
 * spend (a payload naming `spend_id`), the per-spend `sequence` the outbox numbered it with.
 */
export type StoredPayload<T extends OutboxTopic> = OutboxEvents[T] & { sequence?: number };

type Check = (payload: Record<string, unknown>) => string | null;

const uuid =
  (field: string): Check =>
  (payload) =>
    typeof payload[field] === 'string' && isUUID(payload[field]) ? null : `${field} is not a uuid`;
const positiveInteger =
  (field: string): Check =>
  (payload) => {
    const value = payload[field];
    return typeof value === 'number' && Number.isInteger(value) && value >= 1
      ? null
      : `${field} is not a positive integer`;
  };
/** A field consumers read as optional text: absent, null or a string. */
const optionalText =
  (field: string): Check =>
  (payload) =>
    payload[field] === undefined || payload[field] === null || typeof payload[field] === 'string'
      ? null
      : `${field} is neither text nor null`;

const text =
  (field: string): Check =>
  (payload) =>
    typeof payload[field] === 'string' && payload[field] !== '' ? null : `${field} is not text`;

const spendEvent = (...more: Check[]): Check[] => [uuid('spend_id'), ...more];
const advanceEvent = (...more: Check[]): Check[] => [uuid('advance_id'), uuid('user_id'), ...more];

/**
 * What a consumer relies on in each topic's payload, checked when a row is read back (rows
 * outlive deploys: one written by an older version, or by hand, may not say what the types
 * above claim). Only what consumers act on is checked, so that an older row that lacks a
 * field nobody reads still runs.
 */
const CHECKS: { [T in OutboxTopic]: Check[] } = {
  'spend.submitted': spendEvent(),
  'spend.approved': spendEvent(optionalText('comment')),
  'spend.rejected': spendEvent(optionalText('comment')),
  'spend.blocked': spendEvent(optionalText('message')),
  'spend.paid': spendEvent(optionalText('reference')),
  'spend.cancelled': spendEvent(),
  'advance.requested': advanceEvent(),
  'advance.approved': advanceEvent(optionalText('comment')),
  'advance.rejected': advanceEvent(optionalText('comment')),
  'advance.paid': advanceEvent(text('reference')),
  'advance.cancelled': advanceEvent(),
  'expense_report.submitted': [uuid('expense_report_id')],
  'expense_report.approved': [uuid('expense_report_id'), optionalText('comment')],
  'expense_report.rejected': [uuid('expense_report_id'), optionalText('comment')],
  'expense_report.paid': [uuid('expense_report_id'), optionalText('reference')],
  'approval.assigned': [uuid('approval_id')],
  'approval.reminded': [uuid('approval_id')],
  'approval.escalated': [uuid('approval_id')],
  'approval_delegation.created': [uuid('delegation_id'), uuid('delegate_id'), text('starts_on'), text('ends_on')],
  'payout.paid': [uuid('batch_id')],
  'receipt.ocr_requested': [uuid('receipt_id'), positiveInteger('run')],
  'receipt.processed': [uuid('receipt_id')],
  'report.requested': [uuid('report_id'), uuid('requested_by')],
  'report.finished': [uuid('report_id'), uuid('requested_by'), text('status'), optionalText('error_code')],
  'notification.email': [uuid('notification_id')],
  'webhook.delivery': [uuid('delivery_id'), positiveInteger('attempt')],
  'auth.password_reset_requested': [uuid('reset_id'), text('to'), text('token_sealed'), text('expires_at')],
};

export function isOutboxTopic(topic: string): topic is OutboxTopic {
  return Object.prototype.hasOwnProperty.call(CHECKS, topic);
}

/**
 * Why a stored payload cannot be handed to the consumers of its topic, or null when it can.
 * A malformed payload fails the same way on every try, so it is refused once, never retried.
 */
export function outboxPayloadProblem(topic: string, payload: unknown): string | null {
  if (!isOutboxTopic(topic)) return `unknown topic ${topic}`;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'payload is not an object';
  for (const check of CHECKS[topic]) {
    const problem = check(payload as Record<string, unknown>);
    if (problem) return problem;
  }
  return null;
}
