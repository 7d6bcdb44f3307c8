import { evaluate, PolicySnapshot, SpendFacts } from '../../policies/engine/evaluate';
import type { Rule } from '../../policies/engine/rules';
import type { DirectoryMaps } from './backtest.repository';
import { resolveInBulk } from './bulk-approvers';
import { BacktestTally, changed, decisiveRule, outcomeOf } from './comparison';

const facts = (amount: number, extra: Partial<SpendFacts> = {}): SpendFacts => ({
  amount,
  currency: 'USD',
  category: null,
  category_id: null,
  vendor_id: null,
  team_id: null,
  user_id: 'owner',
  merchant: null,
  description: null,
  user_role: 'employee',
  source: 'manual',
  has_receipt: true,
  receipt_verified: false,
  weekday: 'monday',
  days_since_spend: 0,
  distance: 0,
  per_diem_days: 0,
  flags: [],
  ...extra,
});
const policy = (policyId: string, rules: Rule[]): PolicySnapshot => ({ policyId, policyVersion: 1, rules });
const financeAbove500: Rule = {
  id: 'finance-above-500',
  condition: { amount_gt: 500 },
  action: { type: 'require_approval', approver: 'finance' },
  priority: 1,
};

describe('backtest comparison', () => {
  it('tells the four outcomes apart, waiting for a receipt from waiting for people', () => {
    const receipt = policy('p', [{ id: 'r', condition: {}, action: { type: 'require_receipt' }, priority: 1 }]);
    expect(outcomeOf(evaluate([], facts(10)))).toBe('approved');
    expect(outcomeOf(evaluate([policy('p', [financeAbove500])], facts(600)))).toBe('pending_approval');
    expect(outcomeOf(evaluate([receipt], facts(10, { has_receipt: false })))).toBe('awaiting_receipt');
    expect(
      outcomeOf(
        evaluate(
          [policy('p', [{ id: 'b', condition: {}, action: { type: 'block', message: 'no' }, priority: 0 }])],
          facts(1),
        ),
      ),
    ).toBe('blocked');
  });

  it('counts a change of outcome or of the approvers asked, and nothing else', () => {
    const finance = { requirement: 'finance', user_id: null, role: 'finance' as const };
    const admin = { requirement: 'admin', user_id: null, role: 'admin' as const };
    expect(changed({ outcome: 'approved', approvers: [] }, { outcome: 'approved', approvers: [] })).toBe(false);
    expect(changed({ outcome: 'approved', approvers: [] }, { outcome: 'pending_approval', approvers: [finance] })).toBe(
      true,
    );
    expect(
      changed(
        { outcome: 'pending_approval', approvers: [finance] },
        { outcome: 'pending_approval', approvers: [admin] },
      ),
    ).toBe(true);
  });

  it('puts a change down to the draft rule that matched', () => {
    const before = evaluate([], facts(650));
    const after = evaluate([policy('draft', [financeAbove500])], facts(650));
    expect(decisiveRule(before, after, 'draft')).toEqual({
      rule_id: 'finance-above-500',
      rule_reason: 'amount 650 > 500',
    });
    // A removed rule: the change is put down to the replaced policy's rule that matched before.
    expect(decisiveRule(after, evaluate([policy('draft', [])], facts(650)), 'draft')).toEqual({
      rule_id: 'finance-above-500',
      rule_reason: 'amount 650 > 500',
    });
  });

  it('tallies transitions, money and approvers of changed spends only', () => {
    const tally = new BacktestTally();
    const finance = { requirement: 'finance', user_id: null, role: 'finance' as const };
    tally.add({ outcome: 'approved', approvers: [] }, { outcome: 'pending_approval', approvers: [finance] }, 65000n);
    tally.add({ outcome: 'approved', approvers: [] }, { outcome: 'pending_approval', approvers: [finance] }, 90050n);
    tally.add({ outcome: 'approved', approvers: [] }, { outcome: 'blocked', approvers: [] }, 100n);
    tally.add({ outcome: 'approved', approvers: [] }, { outcome: 'approved', approvers: [] }, 12000n);
    expect([tally.evaluated, tally.changedCount, tally.changedAmount]).toEqual([4, 3, 155150n]);
    expect(tally.byTransition()).toEqual([
      { from: 'approved', to: 'pending_approval', count: 2, amount: 155050n },
      { from: 'approved', to: 'blocked', count: 1, amount: 100n },
    ]);
    expect(tally.approversAsked()).toEqual([{ ...finance, count: 2 }]);
  });
});

describe('resolveInBulk', () => {
  const maps: DirectoryMaps = {
    users: new Map([
      ['owner', { role: 'employee', isActive: true, managerId: 'boss' }],
      ['boss', { role: 'manager', isActive: true, managerId: null }],
      ['gone', { role: 'manager', isActive: false, managerId: null }],
      ['books', { role: 'accountant', isActive: true, managerId: null }],
      ['orphan', { role: 'employee', isActive: true, managerId: null }],
    ]),
    teamLeads: new Map([
      ['team', 'boss'],
      ['leaderless', null],
    ]),
  };
  const req = (approver: string) => ({ approver, policy_id: 'p', rule_id: 'r', priority: 1 }) as never;

  it('resolves managers, team leads and named users from the maps, as the live resolver does', () => {
    expect(resolveInBulk(maps, { ownerId: 'owner', teamId: 'team' }, [req('manager'), req('team_lead')])).toEqual([
      { requirement: 'manager', user_id: 'boss', role: null },
    ]);
    expect(resolveInBulk(maps, { ownerId: 'owner', teamId: null }, [req('admin'), req('user:boss')])).toEqual([
      { requirement: 'admin', user_id: null, role: 'admin' },
      { requirement: 'user:boss', user_id: 'boss', role: null },
    ]);
  });

  it('falls back to finance for nobody, the owner, an inactive user or an accountant', () => {
    const fallback = (requirement: string) => [{ requirement, user_id: null, role: 'finance' }];
    expect(resolveInBulk(maps, { ownerId: 'orphan', teamId: null }, [req('manager')])).toEqual(fallback('manager'));
    expect(resolveInBulk(maps, { ownerId: 'owner', teamId: 'leaderless' }, [req('team_lead')])).toEqual(
      fallback('team_lead'),
    );
    expect(resolveInBulk(maps, { ownerId: 'boss', teamId: 'team' }, [req('team_lead')])).toEqual(fallback('team_lead'));
    expect(resolveInBulk(maps, { ownerId: 'owner', teamId: null }, [req('user:gone')])).toEqual(fallback('user:gone'));
    expect(resolveInBulk(maps, { ownerId: 'owner', teamId: null }, [req('user:books')])).toEqual(
      fallback('user:books'),
    );
  });
});
