import { escalationTarget, hoursPending, overdueAfterHours, SLA_OFF, slaSettingsProblems } from './sla-rules';

const settings = (s: Partial<typeof SLA_OFF>) => ({ ...SLA_OFF, ...s });
const person = (id: string, role: 'employee' | 'manager' | 'finance' | 'admin' | 'accountant', isActive = true) => ({
  id,
  role,
  isActive,
});

describe('slaSettingsProblems', () => {
  it('accepts everything off, and each deadline alone', () => {
    expect(slaSettingsProblems(SLA_OFF)).toEqual([]);
    expect(slaSettingsProblems(settings({ remindAfterHours: 24 }))).toEqual([]);
    expect(slaSettingsProblems(settings({ escalateAfterHours: 48 }))).toEqual([]);
    expect(slaSettingsProblems(settings({ autoRejectAfterDays: 1, autoRejectMessage: 'Too late' }))).toEqual([]);
  });

  it('wants the escalation after the reminder', () => {
    expect(slaSettingsProblems(settings({ remindAfterHours: 24, escalateAfterHours: 24 }))).toEqual([
      { field: 'escalate_after_hours', message: 'must be more than remind_after_hours' },
    ]);
    expect(slaSettingsProblems(settings({ remindAfterHours: 24, escalateAfterHours: 25 }))).toEqual([]);
  });

  it('wants the auto-reject after the escalation and the reminder, with a message', () => {
    const late = { autoRejectMessage: 'x' };
    expect(slaSettingsProblems(settings({ escalateAfterHours: 48, autoRejectAfterDays: 2, ...late }))).toHaveLength(1);
    expect(slaSettingsProblems(settings({ escalateAfterHours: 47, autoRejectAfterDays: 2, ...late }))).toEqual([]);
    expect(slaSettingsProblems(settings({ remindAfterHours: 30, autoRejectAfterDays: 1, ...late }))).toHaveLength(1);
    expect(slaSettingsProblems(settings({ autoRejectAfterDays: 3 }))).toEqual([
      { field: 'auto_reject_message', message: 'is required with auto_reject_after_days' },
    ]);
    expect(slaSettingsProblems(settings({ autoRejectMessage: 'orphan' }))).toEqual([
      { field: 'auto_reject_message', message: 'is only kept with auto_reject_after_days' },
    ]);
  });
});

describe('overdueAfterHours', () => {
  it('is the first deadline that is set', () => {
    expect(overdueAfterHours(SLA_OFF)).toBeNull();
    expect(overdueAfterHours(settings({ remindAfterHours: 8, escalateAfterHours: 24 }))).toBe(8);
    expect(overdueAfterHours(settings({ escalateAfterHours: 24 }))).toBe(24);
    expect(overdueAfterHours(settings({ autoRejectAfterDays: 3, autoRejectMessage: 'x' }))).toBe(72);
  });
});

describe('escalationTarget', () => {
  const owner = person('owner', 'employee');
  const base = {
    approverUserId: 'ann',
    approverRole: null,
    owner,
    manager: null,
    managerDecidedAnotherStep: false,
    managerNamedOnOpenStep: false,
    managerDelegatesToApproverOrOwner: false,
  };

  it("goes to the named approver's manager when they may decide", () => {
    expect(escalationTarget({ ...base, manager: person('boss', 'manager') })).toEqual({ kind: 'user', userId: 'boss' });
    expect(escalationTarget({ ...base, manager: person('boss', 'admin') })).toEqual({ kind: 'user', userId: 'boss' });
  });

  it('goes to finance when there is no manager, or one who may not decide it', () => {
    const finance = { kind: 'role', role: 'finance' };
    expect(escalationTarget(base)).toEqual(finance);
    expect(escalationTarget({ ...base, manager: person('boss', 'manager', false) })).toEqual(finance);
    expect(escalationTarget({ ...base, manager: person('boss', 'employee') })).toEqual(finance);
    expect(escalationTarget({ ...base, manager: person('boss', 'accountant') })).toEqual(finance);
    expect(escalationTarget({ ...base, manager: person('boss', 'manager'), managerDecidedAnotherStep: true })).toEqual(
      finance,
    );
  });

  it('goes to finance when the manager is named on another open step, or delegates to the approver or owner', () => {
    const finance = { kind: 'role', role: 'finance' };
    const boss = person('boss', 'manager');
    expect(escalationTarget({ ...base, manager: boss, managerNamedOnOpenStep: true })).toEqual(finance);
    expect(escalationTarget({ ...base, manager: boss, managerDelegatesToApproverOrOwner: true })).toEqual(finance);
    const financeOwner = person('owner', 'finance');
    expect(
      escalationTarget({ ...base, owner: financeOwner, manager: boss, managerDelegatesToApproverOrOwner: true }),
    ).toEqual({ kind: 'role', role: 'admin' });
  });

  it("never goes to the subject's owner; to admin when the owner is finance", () => {
    expect(escalationTarget({ ...base, manager: person('owner', 'manager') })).toEqual({
      kind: 'role',
      role: 'finance',
    });
    const financeOwner = person('owner', 'finance');
    expect(escalationTarget({ ...base, owner: financeOwner, manager: financeOwner })).toEqual({
      kind: 'role',
      role: 'admin',
    });
  });

  it('moves a finance step to admin, and reminds an admin step again', () => {
    expect(escalationTarget({ ...base, approverUserId: null, approverRole: 'finance' })).toEqual({
      kind: 'role',
      role: 'admin',
    });
    expect(escalationTarget({ ...base, approverUserId: null, approverRole: 'admin' })).toEqual({
      kind: 'remind_again',
    });
  });
});

describe('hoursPending', () => {
  it('counts whole hours, never below zero', () => {
    const since = new Date('2026-03-02T09:00:00Z');
    expect(hoursPending(since, new Date('2026-03-02T11:59:00Z'))).toBe(2);
    expect(hoursPending(since, new Date('2026-03-02T08:00:00Z'))).toBe(0);
  });
});
