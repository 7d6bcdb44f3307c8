import type { Role } from '../common/auth/roles';
import { hasAtLeast } from '../common/auth/roles';

/**
 * The pure part of approval reminders, escalation and auto-reject (docs/approvals-sla.md): which
 * settings make sense together, when a step counts as overdue, and to whom an overdue step goes.
 * No Nest, no TypeORM.
 */

/** An organization's settings; each null is off. */
export interface SlaSettings {
  remindAfterHours: number | null;
  escalateAfterHours: number | null;
  autoRejectAfterDays: number | null;
  autoRejectMessage: string | null;
}

export const SLA_OFF: SlaSettings = {
  remindAfterHours: null,
  escalateAfterHours: null,
  autoRejectAfterDays: null,
  autoRejectMessage: null,
};

/** Upper bounds: a month of hours to remind, three months to escalate, a year to auto-reject. */
export const SLA_MAX = { remindAfterHours: 720, escalateAfterHours: 2160, autoRejectAfterDays: 365 } as const;

/** What is wrong with the settings taken together, field by field (empty when nothing is). */
export function slaSettingsProblems(s: SlaSettings): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (s.remindAfterHours !== null && s.escalateAfterHours !== null && s.escalateAfterHours <= s.remindAfterHours)
    problems.push({ field: 'escalate_after_hours', message: 'must be more than remind_after_hours' });
  if (s.autoRejectAfterDays !== null) {
    const before = Math.max(s.escalateAfterHours ?? 0, s.remindAfterHours ?? 0);
    if (s.autoRejectAfterDays * 24 <= before)
      problems.push({
        field: 'auto_reject_after_days',
        message: 'must come after the escalation and the reminder (in days × 24 hours)',
      });
    if (s.autoRejectMessage === null)
      problems.push({ field: 'auto_reject_message', message: 'is required with auto_reject_after_days' });
  } else if (s.autoRejectMessage !== null) {
    problems.push({ field: 'auto_reject_message', message: 'is only kept with auto_reject_after_days' });
  }
  return problems;
}

/**
 * Hours after which a pending step is past its SLA: the first deadline that is set (the
 * reminder, else the escalation, else the auto-reject); null when none is (nothing is overdue).
 */
export function overdueAfterHours(s: SlaSettings): number | null {
  return (
    s.remindAfterHours ?? s.escalateAfterHours ?? (s.autoRejectAfterDays === null ? null : s.autoRejectAfterDays * 24)
  );
}

/** Who an escalated step goes to. `remind_again`: an admin-role step has nobody above it. */
export type EscalationTarget =
  { kind: 'user'; userId: string } | { kind: 'role'; role: 'finance' | 'admin' } | { kind: 'remind_again' };

/** A person as escalation weighs them. */
export interface Candidate {
  id: string;
  role: Role;
  isActive: boolean;
}

/**
 * Where an overdue step goes:
 * - a step named to a person goes to their manager when that manager may decide it (active,
 *   manager or above, not an accountant, not the subject's owner, not the decider of another
 *   step of the round, not named on another open step of the round, and not delegating today to
 *   the former approver or to the subject's owner, who would then decide it as their delegate);
 *   otherwise to the finance role, or to the admin role when the subject's owner holds finance
 *   (finance would mostly be themselves). A manager delegating to someone else stays a target:
 *   their delegate may decide it, which is what the delegation is for;
 * - a finance-role step goes to the admin role;
 * - an admin-role step has nobody above it: its approvers are reminded again.
 */
export function escalationTarget(step: {
  approverUserId: string | null;
  approverRole: 'finance' | 'admin' | null;
  owner: Candidate | null;
  manager: Candidate | null;
  managerDecidedAnotherStep: boolean;
  /** The manager is named on another pending or waiting step of the round (could decide only one). */
  managerNamedOnOpenStep: boolean;
  /** The manager delegates today to the former approver or to the subject's owner. */
  managerDelegatesToApproverOrOwner: boolean;
}): EscalationTarget {
  if (step.approverRole === 'admin') return { kind: 'remind_again' };
  if (step.approverRole === 'finance') return { kind: 'role', role: 'admin' };
  const m = step.manager;
  const ownerId = step.owner?.id ?? null;
  if (
    m &&
    m.isActive &&
    m.role !== 'accountant' &&
    hasAtLeast(m.role, 'manager') &&
    m.id !== ownerId &&
    m.id !== step.approverUserId &&
    !step.managerDecidedAnotherStep &&
    !step.managerNamedOnOpenStep &&
    !step.managerDelegatesToApproverOrOwner
  )
    return { kind: 'user', userId: m.id };
  return { kind: 'role', role: step.owner?.role === 'finance' ? 'admin' : 'finance' };
}

/** Whole hours a step has been pending at `now`, rounded down. */
export function hoursPending(pendingSince: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - pendingSince.getTime()) / 3_600_000));
}
