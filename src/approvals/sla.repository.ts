import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../database/sql';
import type { SubjectType } from './approval-subject';
import { SLA_OFF, SlaSettings } from './sla-rules';

/** A pending step claimed by the sweep for one action. */
export interface DueStep {
  id: string;
  organizationId: string;
  subjectType: SubjectType;
  subjectId: string;
  spendId: string | null;
  subjectOwnerId: string;
  round: number;
  step: number;
  approverUserId: string | null;
  approverRole: 'finance' | 'admin' | null;
  pendingSince: Date;
  /** The organization's deadline of the action, in hours. */
  afterHours: number;
}

/** An organization's settings as stored: null times when it never set them. */
export type StoredSettings = SlaSettings & { updatedAt: Date | null; deadlinesChangedAt: Date | null };

/** Overdue steps of a scope, for the dashboard. */
export interface OverdueSummary {
  count: number;
  oldestPendingSince: Date | null;
  byApprover: Array<{ userId: string | null; role: 'finance' | 'admin' | null; count: number }>;
}

/**
 * When a pending step's (`a`) deadlines start to count, `s` being its organization's settings:
 * the later of the step's pending_since and the settings' last change of a deadline, so that
 * turning the SLA on (or changing a deadline) never acts on the whole backlog at once.
 */
const CLOCK = 'greatest(a.pending_since, s.deadlines_changed_at)';
/** The reminder's clock: also restarted by an admin reassignment (assigned_at) for the new approver. */
const REMIND_CLOCK = 'greatest(a.pending_since, s.deadlines_changed_at, a.assigned_at)';
/**
 * The first deadline of the organization's approval SLA, in hours, and the condition of a
 * pending step past it, on the sweep's clock: what GET /approvals?overdue=true and the
 * dashboard count.
 */
const FIRST_DEADLINE_HOURS = 'coalesce(s.remind_after_hours, s.escalate_after_hours, s.auto_reject_after_days * 24)';
export const OVERDUE_STEP = `a.status = 'pending' AND EXISTS (SELECT 1 FROM approval_sla_settings s WHERE s.organization_id = a.organization_id
  AND ${CLOCK} <= CURRENT_TIMESTAMP - ${FIRST_DEADLINE_HOURS} * interval '1 hour')`;

/**
 * Approval SLA settings and the sweep's claims (docs/approvals-sla.md). Each claim is one
 * statement that locks the due steps it takes (`FOR UPDATE … SKIP LOCKED`: another process's
 * sweep takes others) and marks them (`reminded_at`, `escalated_at`) in the caller's
 * transaction; a step marked, or decided, by a transaction that committed first is re-checked
 * under the lock and left out. So each step is reminded and escalated once, whatever runs.
 */
@Injectable()
export class SlaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async settings(organizationId: string, tx?: EntityManager): Promise<StoredSettings> {
    const statement = tx ? STATEMENTS.settingsForUpdate : STATEMENTS.settings;
    const [row] = await runSql<SettingsRow>(tx ?? this.dataSource, statement, [organizationId]);
    return row ? toSettings(row) : { ...SLA_OFF, updatedAt: null, deadlinesChangedAt: null };
  }

  async saveSettings(
    tx: EntityManager,
    organizationId: string,
    s: SlaSettings,
    userId: string,
  ): Promise<StoredSettings> {
    const [row] = await runSql<SettingsRow>(tx, STATEMENTS.save, [
      organizationId,
      s.remindAfterHours,
      s.escalateAfterHours,
      s.autoRejectAfterDays,
      s.autoRejectMessage,
      userId,
    ]);
    return toSettings(row);
  }

  /** Pending steps due for a reminder (never reminded nor escalated), marked reminded at `now`. */
  async claimReminders(tx: EntityManager, now: Date, limit: number): Promise<DueStep[]> {
    return (await runSql<DueRow>(tx, STATEMENTS.claimReminders, [now, limit])).map(toDue);
  }

  /** Pending steps due for escalation (never escalated), marked escalated at `now`. */
  async claimEscalations(tx: EntityManager, now: Date, limit: number): Promise<DueStep[]> {
    return (await runSql<DueRow>(tx, STATEMENTS.claimEscalations, [now, limit])).map(toDue);
  }

  /** One pending step due for the auto-reject, locked, with the organization's message; `skip`: ids that failed this sweep. */
  async claimAutoReject(
    tx: EntityManager,
    now: Date,
    skip: string[],
  ): Promise<{ id: string; organizationId: string; message: string; afterHours: number } | null> {
    const [row] = await runSql<{ id: string; organization_id: string; message: string; after_hours: number }>(
      tx,
      STATEMENTS.claimAutoReject,
      [now, skip],
    );
    return row
      ? { id: row.id, organizationId: row.organization_id, message: row.message, afterHours: row.after_hours }
      : null;
  }

  /** The organization's overdue steps; with `approverUserId`, only those named to that person. */
  async overdue(organizationId: string, approverUserId: string | null): Promise<OverdueSummary> {
    const [total] = await runSql<{ count: number; oldest: Date | null }>(this.dataSource, STATEMENTS.overdueTotal, [
      organizationId,
      approverUserId,
    ]);
    const groups = await runSql<{
      approver_user_id: string | null;
      approver_role: 'finance' | 'admin' | null;
      count: number;
    }>(this.dataSource, STATEMENTS.overdueByApprover, [organizationId, approverUserId]);
    return {
      count: total.count,
      oldestPendingSince: total.oldest,
      byApprover: groups.map((g) => ({ userId: g.approver_user_id, role: g.approver_role, count: g.count })),
    };
  }
}

interface SettingsRow {
  remind_after_hours: number | null;
  escalate_after_hours: number | null;
  auto_reject_after_days: number | null;
  auto_reject_message: string | null;
  updated_at: Date;
  deadlines_changed_at: Date;
}

interface DueRow {
  id: string;
  organization_id: string;
  subject_type: SubjectType;
  subject_id: string;
  spend_id: string | null;
  subject_owner_id: string;
  round: number;
  step: number;
  approver_user_id: string | null;
  approver_role: 'finance' | 'admin' | null;
  pending_since: Date;
  after_hours: number;
}

const SETTINGS_COLUMNS =
  'remind_after_hours, escalate_after_hours, auto_reject_after_days, auto_reject_message, updated_at, deadlines_changed_at';
const DUE_COLUMNS =
  'a.id, a.organization_id, a.subject_type, a.subject_id, a.spend_id, a.subject_owner_id, a.round, a.step, a.approver_user_id, a.approver_role, a.pending_since, due.after_hours';

/** Pending steps of organizations whose `hours` is set, at least that many hours past `clock` at $1, oldest first, $2 at most. */
const due = (hours: string, clock: string, extra: string) => `WITH due AS (
    SELECT a.id, ${hours} AS after_hours FROM approvals a JOIN approval_sla_settings s ON s.organization_id = a.organization_id
    WHERE a.status = 'pending' AND ${extra} AND ${hours} IS NOT NULL AND ${clock} <= $1::timestamptz - ${hours} * interval '1 hour'
    ORDER BY a.pending_since, a.id LIMIT $2 FOR UPDATE OF a SKIP LOCKED)`;

const STATEMENTS = {
  settings: {
    name: 'sla.settings',
    text: `SELECT ${SETTINGS_COLUMNS} FROM approval_sla_settings WHERE organization_id = $1`,
  },
  settingsForUpdate: {
    name: 'sla.settings_for_update',
    text: `SELECT ${SETTINGS_COLUMNS} FROM approval_sla_settings WHERE organization_id = $1 FOR UPDATE`,
  },
  save: {
    name: 'sla.save',
    text: `INSERT INTO approval_sla_settings (organization_id, remind_after_hours, escalate_after_hours, auto_reject_after_days, auto_reject_message, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (organization_id) DO UPDATE SET remind_after_hours = $2, escalate_after_hours = $3, auto_reject_after_days = $4,
             auto_reject_message = $5, updated_by = $6, updated_at = CURRENT_TIMESTAMP,
             deadlines_changed_at = CASE WHEN (approval_sla_settings.remind_after_hours, approval_sla_settings.escalate_after_hours,
               approval_sla_settings.auto_reject_after_days) IS DISTINCT FROM ($2::int, $3::int, $4::int)
               THEN CURRENT_TIMESTAMP ELSE approval_sla_settings.deadlines_changed_at END
           RETURNING ${SETTINGS_COLUMNS}`,
  },
  claimReminders: {
    name: 'sla.claim_reminders',
    text: `${due('s.remind_after_hours', REMIND_CLOCK, 'a.reminded_at IS NULL AND (a.escalated_at IS NULL OR a.assigned_at > a.escalated_at)')}
           UPDATE approvals a SET reminded_at = $1 FROM due WHERE a.id = due.id RETURNING ${DUE_COLUMNS}`,
  },
  claimEscalations: {
    name: 'sla.claim_escalations',
    text: `${due('s.escalate_after_hours', CLOCK, 'a.escalated_at IS NULL')}
           UPDATE approvals a SET escalated_at = $1 FROM due WHERE a.id = due.id RETURNING ${DUE_COLUMNS}`,
  },
  claimAutoReject: {
    name: 'sla.claim_auto_reject',
    text: `SELECT a.id, a.organization_id, s.auto_reject_message AS message, s.auto_reject_after_days * 24 AS after_hours
           FROM approvals a JOIN approval_sla_settings s ON s.organization_id = a.organization_id
           WHERE a.status = 'pending' AND s.auto_reject_after_days IS NOT NULL AND s.auto_reject_message IS NOT NULL
             AND ${CLOCK} <= $1::timestamptz - s.auto_reject_after_days * interval '1 day' AND a.id <> ALL($2::uuid[])
           ORDER BY a.pending_since, a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
  },
  overdueTotal: {
    name: 'sla.overdue_total',
    text: `SELECT count(*)::int AS count, min(a.pending_since) AS oldest FROM approvals a
           WHERE a.organization_id = $1 AND ($2::uuid IS NULL OR a.approver_user_id = $2) AND ${OVERDUE_STEP}`,
  },
  overdueByApprover: {
    name: 'sla.overdue_by_approver',
    text: `SELECT a.approver_user_id, a.approver_role, count(*)::int AS count FROM approvals a
           WHERE a.organization_id = $1 AND ($2::uuid IS NULL OR a.approver_user_id = $2) AND ${OVERDUE_STEP}
           GROUP BY a.approver_user_id, a.approver_role ORDER BY count(*) DESC, a.approver_user_id, a.approver_role LIMIT 20`,
  },
};

function toSettings(row: SettingsRow): StoredSettings {
  return {
    remindAfterHours: row.remind_after_hours,
    escalateAfterHours: row.escalate_after_hours,
    autoRejectAfterDays: row.auto_reject_after_days,
    autoRejectMessage: row.auto_reject_message,
    updatedAt: row.updated_at,
    deadlinesChangedAt: row.deadlines_changed_at,
  };
}

function toDue(row: DueRow): DueStep {
  return {
    id: row.id,
    organizationId: row.organization_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    spendId: row.spend_id,
    subjectOwnerId: row.subject_owner_id,
    round: row.round,
    step: row.step,
    approverUserId: row.approver_user_id,
    approverRole: row.approver_role,
    pendingSince: row.pending_since,
    afterHours: row.after_hours,
  };
}
