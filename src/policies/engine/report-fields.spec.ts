import { evaluate, holds, SpendFacts } from './evaluate';
import { validateRules } from './rule-validation';

/** The expense-report facts: present only while a spend is judged as a line of a report. */
const spend: SpendFacts = {
  amount: 120,
  currency: 'USD',
  category: null,
  category_id: null,
  vendor_id: null,
  team_id: null,
  user_id: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
  merchant: 'Hotel Adlon',
  description: null,
  user_role: 'employee',
  source: 'manual',
  has_receipt: true,
  receipt_verified: false,
  weekday: 'monday',
  days_since_spend: 2,
  per_diem_days: 0,
  distance: 0,
  flags: [],
};
const line: SpendFacts = { ...spend, report_total: 2400, report_days: 3, report_spend_count: 4 };

describe('report fields of the policy engine', () => {
  it('accepts report_total, report_days and report_spend_count with the number operators', () => {
    const { problems } = validateRules([
      { condition: { report_total_gt: 2000 }, action: { type: 'require_approval', approver: 'finance' } },
      { condition: { report_days_gte: 5 }, action: { type: 'flag', flag: 'long_trip' } },
      { condition: { report_spend_count_in: [1, 2] }, action: { type: 'auto_approve' } },
    ]);
    expect(problems).toEqual([]);
    expect(
      validateRules([{ condition: { report_total_contains: 'x' }, action: { type: 'auto_approve' } }]).problems,
    ).not.toEqual([]);
  });

  it('holds on a report line and never on a spend on its own (only ne and not_in hold for absent facts)', () => {
    expect(holds({ report_total_gt: 2000 }, line)).toBe(true);
    expect(holds({ report_days_eq: 3 }, line)).toBe(true);
    expect(holds({ report_spend_count_gte: 1 }, line)).toBe(true);
    expect(holds({ report_total_gt: 2000 }, spend)).toBe(false);
    expect(holds({ report_spend_count_gte: 0 }, spend)).toBe(false);
    expect(holds({ report_total_ne: 5 }, spend)).toBe(true);
  });

  it('explains a match with the report values', () => {
    const { rules } = validateRules([
      {
        id: 'big-trip',
        condition: { report_total_gt: 2000 },
        action: { type: 'require_approval', approver: 'finance' },
      },
    ]);
    const evaluation = evaluate([{ policyId: 'p1', policyVersion: 1, rules }], line);
    expect(evaluation.decision).toBe('pending_approval');
    expect(evaluation.matched_rules[0].reason).toBe('report_total 2400 > 2000');
  });
});
