import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';
import type { Role } from '../common/auth/roles';
import type { ReceiptReading } from './receipt-reading';
import type { AdvanceSubject } from './advance-text';
import type { SpendSubject } from './notification-text';

export interface Recipient {
  id: string;
  isActive: boolean;
  emailNotifications: boolean;
}

export interface SpendFacts extends SpendSubject {
  id: string;
  ownerId: string;
}

export interface AdvanceFacts extends AdvanceSubject {
  id: string;
  ownerId: string;
}

export interface ApprovalFacts {
  subjectType: string;
  subjectId: string;
  /** Null when the step decides another subject than a spend (an expense report, an advance). */
  spendId: string | null;
  /** Set when the step decides an expense report. */
  expenseReportId: string | null;
  step: number;
  status: string;
  approverUserId: string | null;
  approverRole: 'finance' | 'admin' | null;
  note: string | null;
}

export interface ReceiptFacts {
  spendId: string;
  uploadedBy: string;
  filename: string;
  ocrStatus: string;
  ocrError: string | null;
  extracted: ReceiptReading | null;
  verified: boolean;
  flags: string[];
}

/**
 * What notifications need to know about the spends, approvals, receipts and users they speak
 * of, read in the job's transaction. A deliberate read model over other modules' tables:
 * notifications sit beside spends, below them (spends, approvals and receipts announce through
 * the outbox and never call notifications), so they cannot use the spends module's services.
 * These read-only statements read those tables directly, always scoped by organization, and
 * write nothing there.
 */
@Injectable()
export class NotificationSubjects {
  async spend(tx: EntityManager, organizationId: string, spendId: string): Promise<SpendFacts | null> {
    const [row] = await runSql<SpendRow>(tx, SPEND, [organizationId, spendId]);
    return row ? toSpendFacts(row) : null;
  }

  async advance(tx: EntityManager, organizationId: string, advanceId: string): Promise<AdvanceFacts | null> {
    const [row] = await runSql<AdvanceRow>(tx, ADVANCE, [organizationId, advanceId]);
    return row
      ? {
          id: row.id,
          ownerId: row.user_id,
          amountMinor: String(row.amount_minor),
          currency: row.currency.trim(),
          purpose: row.purpose,
          ownerName: row.owner_name,
        }
      : null;
  }

  /** Who rejected the advance (the step whose rejection ended its chain). */
  async advanceRejectedBy(tx: EntityManager, organizationId: string, advanceId: string): Promise<string | null> {
    const [row] = await runSql<{ full_name: string }>(tx, ADVANCE_REJECTED_BY, [organizationId, advanceId]);
    return row?.full_name ?? null;
  }

  /** An expense report's owner and title (read-only, as spends are read: notifications sit beside the workflow). */
  async expenseReport(tx: EntityManager, organizationId: string, id: string): Promise<ExpenseReportFacts | null> {
    const [row] = await runSql<{ id: string; user_id: string; title: string; owner_name: string }>(tx, EXPENSE_REPORT, [
      organizationId,
      id,
    ]);
    return row ? { id: row.id, ownerId: row.user_id, ownerName: row.owner_name, title: row.title } : null;
  }

  async approval(tx: EntityManager, organizationId: string, approvalId: string): Promise<ApprovalFacts | null> {
    const [row] = await runSql<ApprovalRow>(tx, APPROVAL, [organizationId, approvalId]);
    return row ? toApprovalFacts(row) : null;
  }

  /** Who rejected the spend most recently (the step whose rejection ended the chain). */
  async rejectedBy(tx: EntityManager, organizationId: string, spendId: string): Promise<string | null> {
    const [row] = await runSql<{ full_name: string }>(tx, REJECTED_BY, [organizationId, spendId]);
    return row?.full_name ?? null;
  }

  async receipt(tx: EntityManager, organizationId: string, receiptId: string): Promise<ReceiptFacts | null> {
    const [row] = await runSql<ReceiptRow>(tx, RECEIPT, [organizationId, receiptId]);
    return row ? toReceiptFacts(row) : null;
  }

  async users(tx: EntityManager, organizationId: string, ids: string[]): Promise<Recipient[]> {
    if (ids.length === 0) return [];
    const rows = await runSql<{ id: string; is_active: boolean; email_notifications: boolean }>(tx, USERS, [
      organizationId,
      ids,
    ]);
    return rows.map((r) => ({ id: r.id, isActive: r.is_active, emailNotifications: r.email_notifications }));
  }

  /** Full names by id (for the people an escalation names). */
  async names(tx: EntityManager, organizationId: string, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await runSql<{ id: string; full_name: string }>(tx, NAMES, [organizationId, ids]);
    return new Map(rows.map((r) => [r.id, r.full_name]));
  }

  /** Active holders of exactly this role. */
  async activeWithRole(tx: EntityManager, organizationId: string, role: Role): Promise<Recipient[]> {
    const rows = await runSql<{ id: string; email_notifications: boolean }>(tx, ACTIVE_WITH_ROLE, [
      organizationId,
      role,
    ]);
    return rows.map((r) => ({ id: r.id, isActive: true, emailNotifications: r.email_notifications }));
  }
}

interface SpendRow {
  id: string;
  user_id: string;
  merchant: string | null;
  description: string | null;
  amount_minor: string;
  currency: string;
  spend_date: string;
  category_name: string | null;
  vendor_name: string | null;
  owner_name: string;
}

const toSpendFacts = (row: SpendRow): SpendFacts => ({
  id: row.id,
  ownerId: row.user_id,
  merchant: row.merchant,
  description: row.description,
  amountMinor: String(row.amount_minor),
  currency: row.currency.trim(),
  spendDate: row.spend_date,
  categoryName: row.category_name,
  vendorName: row.vendor_name,
  ownerName: row.owner_name,
});

interface AdvanceRow {
  id: string;
  user_id: string;
  amount_minor: string;
  currency: string;
  purpose: string;
  owner_name: string;
}

interface ApprovalRow {
  subject_type: string;
  subject_id: string;
  spend_id: string;
  expense_report_id: string | null;
  step: number;
  status: string;
  approver_user_id: string | null;
  approver_role: 'finance' | 'admin' | null;
  note: string | null;
}

const toApprovalFacts = (row: ApprovalRow): ApprovalFacts => ({
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  spendId: row.spend_id,
  expenseReportId: row.expense_report_id,
  step: row.step,
  status: row.status,
  approverUserId: row.approver_user_id,
  approverRole: row.approver_role,
  note: row.note,
});

interface ReceiptRow {
  spend_id: string;
  uploaded_by: string;
  filename: string;
  ocr_status: string;
  ocr_error: string | null;
  extracted: ReceiptReading | null;
  verified: boolean;
  flags: string[];
}

const toReceiptFacts = (row: ReceiptRow): ReceiptFacts => ({
  spendId: row.spend_id,
  uploadedBy: row.uploaded_by,
  filename: row.filename,
  ocrStatus: row.ocr_status,
  ocrError: row.ocr_error,
  extracted: row.extracted,
  verified: row.verified,
  flags: row.flags,
});

export interface ExpenseReportFacts {
  id: string;
  ownerId: string;
  ownerName: string;
  title: string;
}

const EXPENSE_REPORT: Statement = {
  name: 'notifications.subject_expense_report',
  text: `SELECT r.id, r.user_id, r.title, u.full_name AS owner_name FROM expense_reports r
         JOIN users u ON u.organization_id = r.organization_id AND u.id = r.user_id
         WHERE r.organization_id = $1 AND r.id = $2`,
};

const SPEND: Statement = {
  name: 'notifications.subject_spend',
  text: `SELECT s.id, s.user_id, s.merchant, s.description, s.amount_minor, s.currency, to_char(s.spend_date, 'YYYY-MM-DD') AS spend_date,
                c.name AS category_name, v.name AS vendor_name, u.full_name AS owner_name
         FROM spends s
         JOIN users u ON u.organization_id = s.organization_id AND u.id = s.user_id
         LEFT JOIN categories c ON c.organization_id = s.organization_id AND c.id = s.category_id
         LEFT JOIN vendors v ON v.organization_id = s.organization_id AND v.id = s.vendor_id
         WHERE s.organization_id = $1 AND s.id = $2`,
};

const APPROVAL: Statement = {
  name: 'notifications.subject_approval',
  text: `SELECT subject_type, subject_id, spend_id, expense_report_id, step, status, approver_user_id, approver_role, note FROM approvals WHERE organization_id = $1 AND id = $2`,
};

const REJECTED_BY: Statement = {
  name: 'notifications.subject_rejected_by',
  text: `SELECT u.full_name FROM approvals a JOIN users u ON u.organization_id = a.organization_id AND u.id = a.decided_by
         WHERE a.organization_id = $1 AND a.spend_id = $2 AND a.status = 'rejected'
         ORDER BY a.decided_at DESC NULLS LAST LIMIT 1`,
};

const ADVANCE: Statement = {
  name: 'notifications.subject_advance',
  text: `SELECT a.id, a.user_id, a.amount_minor, a.currency, a.purpose, u.full_name AS owner_name
         FROM advances a JOIN users u ON u.organization_id = a.organization_id AND u.id = a.user_id
         WHERE a.organization_id = $1 AND a.id = $2`,
};

const ADVANCE_REJECTED_BY: Statement = {
  name: 'notifications.subject_advance_rejected_by',
  text: `SELECT u.full_name FROM approvals a JOIN users u ON u.organization_id = a.organization_id AND u.id = a.decided_by
         WHERE a.organization_id = $1 AND a.advance_id = $2 AND a.status = 'rejected'
         ORDER BY a.decided_at DESC NULLS LAST LIMIT 1`,
};

const RECEIPT: Statement = {
  name: 'notifications.subject_receipt',
  text: `SELECT spend_id, uploaded_by, filename, ocr_status, ocr_error, extracted, verified, flags FROM receipts WHERE organization_id = $1 AND id = $2`,
};

const USERS: Statement = {
  name: 'notifications.subject_users',
  text: `SELECT id, is_active, email_notifications FROM users WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY id`,
};

const NAMES: Statement = {
  name: 'notifications.subject_names',
  text: `SELECT id, full_name FROM users WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
};

const ACTIVE_WITH_ROLE: Statement = {
  name: 'notifications.subject_active_with_role',
  text: `SELECT id, email_notifications FROM users WHERE organization_id = $1 AND role = $2 AND is_active ORDER BY id`,
};
