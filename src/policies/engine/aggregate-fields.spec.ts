import { evaluate, explain, holds, SpendFacts } from './evaluate';
import { validateRules } from './rule-validation';
import { aggregateFieldsOf } from './rules';

/** The aggregate facts: computed from other spends and budgets, absent where they do not apply. */
const spend: SpendFacts = {
  amount: 60,
  currency: 'USD',
  category: 'Meals',
  category_id: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e',
  vendor_id: null,
  team_id: null,
  user_id: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
  merchant: 'Cafe Luna',
  description: null,
  user_role: 'employee',
  source: 'manual',
  has_receipt: true,
  receipt_verified: false,
  weekday: 'monday',
  days_since_spend: 0,
  per_diem_days: 0,
  distance: 0,
  flags: [],
};
const withBudget: SpendFacts = {
  ...spend,
  user_category_total_day: 80,
  budget_remaining: -20,
  budget_used_pct: 120,
  same_merchant_count_7d: 2,
};

describe('aggregate fields of the policy engine', () => {
  it('accepts each aggregate field with the number operators only', () => {
    const fields = [
      'user_category_total_day',
      'user_category_total_month',
      'team_total_period',
      'budget_remaining',
      'budget_used_pct',
      'same_merchant_count_7d',
      'same_merchant_count_30d',
    ];
    for (const field of fields) {
      expect(
        validateRules([{ condition: { [`${field}_gte`]: 1 }, action: { type: 'flag', flag: 'x' } }]).problems,
      ).toEqual([]);
      expect(
        validateRules([{ condition: { [`${field}_contains`]: 'a' }, action: { type: 'flag', flag: 'x' } }]).problems,
      ).toHaveLength(1);
      expect(
        validateRules([{ condition: { [`${field}_gt`]: '80' }, action: { type: 'flag', flag: 'x' } }]).problems,
      ).toEqual([{ path: `rules[0].condition.${field}_gt`, message: 'must be a number' }]);
    }
  });

  it('names the aggregate fields a set of rules tests, nested ones too', () => {
    const { rules } = validateRules([
      { condition: { amount_gt: 1 }, action: { type: 'auto_approve' } },
      {
        condition: {
          all: [{ category_eq: 'travel' }, { not: { any: [{ budget_used_pct_gt: 80 }, { team_total_period_gt: 9 }] } }],
        },
        action: { type: 'flag', flag: 'x' },
      },
    ]);
    expect(aggregateFieldsOf(rules)).toEqual(['team_total_period', 'budget_used_pct']);
    expect(aggregateFieldsOf(rules.slice(0, 1))).toEqual([]);
  });

  it('holds on present facts and never on absent ones (no budget applies), without an error', () => {
    expect(holds({ budget_remaining_lt: 0 }, withBudget)).toBe(true);
    expect(holds({ budget_remaining_lt: -20 }, withBudget)).toBe(false);
    expect(holds({ budget_remaining_lt: 0 }, spend)).toBe(false);
    expect(holds({ budget_used_pct_gt: 80 }, spend)).toBe(false);
    const evaluation = evaluate(
      [
        {
          policyId: 'p',
          policyVersion: 1,
          rules: [
            {
              id: 'cap',
              priority: 1,
              condition: { user_category_total_day_gt: 75 },
              action: { type: 'block', message: 'Meals cap 75 a day' },
            },
          ],
        },
      ],
      withBudget,
    );
    expect(evaluation.decision).toBe('blocked');
    // The total (made of other spends) is not in the reason stored on the owner's spend.
    expect(evaluation.matched_rules[0].reason).toBe('user_category_total_day > 75');
  });

  it("explains an aggregate condition without the aggregate's value, keeping the spend's own values", () => {
    expect(explain({ all: [{ amount_gt: 50 }, { budget_used_pct_gte: 80 }] }, withBudget)).toBe(
      'amount 60 > 50 and budget_used_pct ≥ 80',
    );
    expect(explain({ any: [{ budget_remaining_lt: 0 }, { amount_gt: 50 }] }, withBudget)).toBe('budget_remaining < 0');
    expect(explain({ same_merchant_count_7d_gte: 2 }, withBudget)).toBe('same_merchant_count_7d ≥ 2');
    expect(explain({ merchant_contains: 'luna' }, withBudget)).toBe('merchant "Cafe Luna" contains "luna"');
  });
});
