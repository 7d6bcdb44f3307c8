import fc from 'fast-check';
import { evaluate, holds, PolicySnapshot, SpendFacts } from './evaluate';
import { validateRules } from './rule-validation';
import { Condition, Rule } from './rules';

const facts = (overrides: Partial<SpendFacts> = {}): SpendFacts => ({
  amount: 650,
  currency: 'EUR',
  category: 'Travel',
  category_id: null,
  vendor_id: null,
  team_id: null,
  user_id: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
  merchant: 'Lufthansa',
  description: 'Flight to Berlin',
  user_role: 'employee',
  source: 'manual',
  has_receipt: false,
  receipt_verified: false,
  weekday: 'tuesday',
  days_since_spend: 3,
  distance: 0,
  per_diem_days: 0,
  flags: [],
  ...overrides,
});

const policy = (
  rules: Array<Partial<Rule> & Pick<Rule, 'condition' | 'action'>>,
  policyId = 'p1',
  policyVersion = 1,
): PolicySnapshot => ({
  policyId,
  policyVersion,
  rules: rules.map((r, i) => ({ id: r.id ?? `r${i + 1}`, priority: r.priority ?? 100, ...r })),
});

describe('validateRules', () => {
  it('accepts the example from docs/api.md and assigns rule ids', () => {
    const { rules, problems } = validateRules([
      { condition: { amount_gt: 500 }, action: { type: 'require_approval', approver: 'manager' }, priority: 1 },
    ]);
    expect(problems).toEqual([]);
    expect(rules[0]).toMatchObject({ id: 'rule-1', priority: 1 });
  });

  it.each([
    [{ amount_gtt: 5 }, 'rules[0].condition.amount_gtt', /unknown test/],
    [{ colour_eq: 'red' }, 'rules[0].condition.colour_eq', /unknown field "colour"/],
    [{ amount_contains: 5 }, 'rules[0].condition.amount_contains', /amount takes/],
    [{ amount_gt: '500' }, 'rules[0].condition.amount_gt', /must be a number/],
    [{ any: [] }, 'rules[0].condition.any', /non-empty array/],
    [{ all: [{ not: { merchant_eqq: 'x' } }] }, 'rules[0].condition.all[0].not.merchant_eqq', /unknown test/],
    [{ user_role_in: ['boss'] }, 'rules[0].condition.user_role_in', /one of employee/],
    [{ category_id_eq: 'not-a-uuid' }, 'rules[0].condition.category_id_eq', /UUID/],
    [{}, 'rules[0].condition', /must be an object/],
  ])('refuses condition %j at %s', (condition, path, message) => {
    const { problems } = validateRules([{ condition, action: { type: 'auto_approve' } }]);
    expect(problems).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  it.each([
    [{ type: 'require_approval', approver: 'ceo' }, 'rules[0].action.approver'],
    [{ type: 'require_approval', approver: 'user:nope' }, 'rules[0].action.approver'],
    [{ type: 'block' }, 'rules[0].action.message'],
    [{ type: 'flag', flag: 'Has Spaces' }, 'rules[0].action.flag'],
    [{ type: 'teleport' }, 'rules[0].action.type'],
    [{ type: 'auto_approve', approver: 'manager' }, 'rules[0].action.approver'],
  ])('refuses action %j', (action, path) => {
    const { problems } = validateRules([{ condition: { amount_gt: 1 }, action }]);
    expect(problems.map((p) => p.path)).toEqual([path]);
  });

  it('refuses duplicate rule ids, bad priorities, unknown rule properties and empty rule lists', () => {
    expect(validateRules([]).problems[0].path).toBe('rules');
    const { problems } = validateRules([
      { id: 'same', condition: { amount_gt: 1 }, action: { type: 'auto_approve' }, priority: -1 },
      { id: 'same', condition: { amount_gt: 1 }, action: { type: 'auto_approve' }, when: 'always' },
    ]);
    expect(problems.map((p) => p.path).sort()).toEqual(['rules[0].priority', 'rules[1].id', 'rules[1].when']);
  });

  it('bounds nesting depth', () => {
    let condition: Condition = { amount_gt: 1 };
    for (let i = 0; i < 12; i++) condition = { not: condition };
    expect(validateRules([{ condition, action: { type: 'auto_approve' } }]).problems[0].message).toMatch(/nest/);
  });
});

describe('evaluate', () => {
  it('with no matching rule approves, and names nothing', () => {
    const result = evaluate(
      [policy([{ condition: { amount_gt: 1000 }, action: { type: 'require_approval', approver: 'manager' } }])],
      facts(),
    );
    expect(result).toEqual({
      decision: 'approved',
      matched_rules: [],
      approvals: [],
      flags: [],
      awaiting_receipt: false,
      block_message: null,
    });
  });

  it("requires approval and explains why with the spend's values", () => {
    const result = evaluate(
      [
        policy([
          {
            condition: { amount_gt: 500, category_eq: 'travel' },
            action: { type: 'require_approval', approver: 'manager' },
          },
        ]),
      ],
      facts(),
    );
    expect(result.decision).toBe('pending_approval');
    expect(result.approvals).toEqual([{ approver: 'manager', policy_id: 'p1', rule_id: 'r1', priority: 100 }]);
    expect(result.matched_rules[0]).toMatchObject({
      policy_id: 'p1',
      policy_version: 1,
      rule_id: 'r1',
      reason: 'amount 650 > 500 and category "Travel" = "travel"',
    });
  });

  it('tests per_diem_days, the days of a per diem trip (0 for any other spend), and the per_diem source', () => {
    const longTrips = policy([
      {
        condition: { per_diem_days_gte: 5, source_eq: 'per_diem' },
        action: { type: 'require_approval', approver: 'manager' },
      },
    ]);
    expect(validateRules(longTrips.rules).problems).toEqual([]);
    const long = evaluate([longTrips], facts({ source: 'per_diem', per_diem_days: 5 }));
    expect(long.decision).toBe('pending_approval');
    expect(long.matched_rules[0].reason).toBe('per_diem_days 5 ≥ 5 and source "per_diem" = "per_diem"');
    expect(evaluate([longTrips], facts({ source: 'per_diem', per_diem_days: 4 })).decision).toBe('approved');
    expect(evaluate([longTrips], facts()).decision).toBe('approved');
  });

  it('lets a block win over everything, with its message', () => {
    const result = evaluate(
      [
        policy([
          { condition: { amount_gt: 1 }, action: { type: 'auto_approve' }, priority: 1 },
          {
            condition: { merchant_contains: 'hansa' },
            action: { type: 'block', message: 'Airline bookings go through the travel desk' },
            priority: 50,
          },
          { condition: { amount_gt: 1 }, action: { type: 'require_approval', approver: 'finance' }, priority: 2 },
        ]),
      ],
      facts(),
    );
    expect(result).toMatchObject({
      decision: 'blocked',
      approvals: [],
      block_message: 'Airline bookings go through the travel desk',
    });
    expect(result.matched_rules).toHaveLength(3);
  });

  it('builds the chain in priority order across policies, once per approver', () => {
    const result = evaluate(
      [
        policy(
          [{ condition: { amount_gt: 100 }, action: { type: 'require_approval', approver: 'finance' }, priority: 20 }],
          'p1',
        ),
        policy(
          [
            { condition: { amount_gt: 100 }, action: { type: 'require_approval', approver: 'manager' }, priority: 10 },
            { condition: { amount_gt: 600 }, action: { type: 'require_approval', approver: 'manager' }, priority: 30 },
          ],
          'p2',
        ),
      ],
      facts(),
    );
    expect(result.approvals.map((a) => a.approver)).toEqual(['manager', 'finance']);
  });

  it('drops approvals of lower-priority rules after an auto_approve, and says which rule did it', () => {
    const result = evaluate(
      [
        policy([
          { id: 'small', condition: { amount_lt: 1000 }, action: { type: 'auto_approve' }, priority: 5 },
          {
            id: 'mgr',
            condition: { amount_gt: 100 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 10,
          },
          {
            id: 'early',
            condition: { amount_gt: 100 },
            action: { type: 'require_approval', approver: 'admin' },
            priority: 1,
          },
        ]),
      ],
      facts(),
    );
    expect(result.approvals.map((a) => a.approver)).toEqual(['admin']);
    expect(result.matched_rules.find((m) => m.rule_id === 'mgr')?.overridden_by).toBe('small');
  });

  it('keeps a spend without a required receipt pending, flagged missing_receipt', () => {
    const rules = [policy([{ condition: { amount_gt: 25 }, action: { type: 'require_receipt' } }])];
    expect(evaluate(rules, facts())).toMatchObject({
      decision: 'pending_approval',
      awaiting_receipt: true,
      flags: ['missing_receipt'],
    });
    expect(evaluate(rules, facts({ has_receipt: true }))).toMatchObject({
      decision: 'approved',
      awaiting_receipt: false,
      flags: [],
    });
  });

  it("adds flags from flag actions to the spend's own, and can route on flags", () => {
    const result = evaluate(
      [
        policy([
          {
            condition: { weekday_in: ['saturday', 'sunday', 'tuesday'] },
            action: { type: 'flag', flag: 'weekend' },
            priority: 1,
          },
          {
            condition: { flags_contains: 'duplicate_suspected' },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 2,
          },
        ]),
      ],
      facts({ flags: ['duplicate_suspected'] }),
    );
    expect(result.flags).toEqual(['duplicate_suspected', 'weekend']);
    expect(result.approvals.map((a) => a.approver)).toEqual(['finance']);
  });

  it('treats missing values as not equal and not in', () => {
    expect(holds({ vendor_id_eq: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }, facts())).toBe(false);
    expect(holds({ vendor_id_ne: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }, facts())).toBe(true);
    expect(holds({ category_not_in: ['Meals'] }, facts({ category: null }))).toBe(true);
  });
});

describe('evaluate: properties', () => {
  const leaf = fc.oneof(
    fc.integer({ min: 0, max: 2000 }).map((n): Condition => ({ amount_gt: n })),
    fc.integer({ min: 0, max: 2000 }).map((n): Condition => ({ amount_lte: n })),
    fc.constantFrom<Condition>(
      { has_receipt_eq: true },
      { currency_eq: 'EUR' },
      { merchant_contains: 'hans' },
      { weekday_in: ['monday'] },
    ),
  );
  const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((all): Condition => ({ all })),
      fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((any): Condition => ({ any })),
      tie('c').map((not): Condition => ({ not })),
    ),
  })).c;
  const spend = fc
    .record({
      amount: fc.integer({ min: 0, max: 2000 }),
      has_receipt: fc.boolean(),
      currency: fc.constantFrom('EUR', 'USD'),
    })
    .map((f) => facts(f));

  it('combinators mean and, or and not', () => {
    fc.assert(
      fc.property(condition, condition, spend, (a, b, f) => {
        expect(holds({ all: [a, b] }, f)).toBe(holds(a, f) && holds(b, f));
        expect(holds({ any: [a, b] }, f)).toBe(holds(a, f) || holds(b, f));
        expect(holds({ not: a }, f)).toBe(!holds(a, f));
        expect(holds({ not: { not: a } }, f)).toBe(holds(a, f));
      }),
    );
  });

  const action = fc.oneof(
    fc
      .constantFrom('manager', 'finance', 'admin', 'team_lead')
      .map((approver) => ({ type: 'require_approval' as const, approver: approver as 'manager' })),
    fc.constant({ type: 'auto_approve' as const }),
    fc.constant({ type: 'block' as const, message: 'no' }),
    fc.constant({ type: 'flag' as const, flag: 'odd' }),
  );
  const rules = fc.array(fc.record({ condition, action, priority: fc.integer({ min: 0, max: 20 }) }), {
    minLength: 1,
    maxLength: 8,
  });

  it('orders the chain by priority and never depends on the order rules were written in', () => {
    fc.assert(
      fc.property(rules, spend, (written, f) => {
        const result = evaluate([policy(written)], f);
        const priorities = result.approvals.map((a) => a.priority);
        expect(priorities).toEqual([...priorities].sort((x, y) => x - y));
        const reversed = evaluate(
          [policy([...written].reverse().map((r, i) => ({ ...r, id: `r${written.length - i}` })))],
          f,
        );
        expect(reversed.decision).toBe(result.decision);
        expect(new Set(reversed.approvals.map((a) => a.approver))).toEqual(
          new Set(result.approvals.map((a) => a.approver)),
        );
      }),
    );
  });

  it('blocks whenever any matched rule blocks, whatever else matched', () => {
    fc.assert(
      fc.property(rules, spend, (written, f) => {
        const result = evaluate([policy(written)], f);
        const blockMatched = written.some((r) => r.action.type === 'block' && holds(r.condition, f));
        expect(result.decision === 'blocked').toBe(blockMatched);
        if (blockMatched) expect(result.approvals).toEqual([]);
      }),
    );
  });

  it('approves exactly when nothing blocks and no approval or receipt is required', () => {
    fc.assert(
      fc.property(rules, spend, (written, f) => {
        const result = evaluate([policy(written)], f);
        expect(result.decision === 'approved').toBe(
          result.block_message === null && result.approvals.length === 0 && !result.awaiting_receipt,
        );
      }),
    );
  });
});

describe('rule subjects: spends and advances', () => {
  const advance = (advance_amount: number) => ({
    advance_amount,
    currency: 'USD',
    user_id: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b',
    user_role: 'employee',
  });
  const rules = policy([
    { id: 'spend-any', condition: { amount_gte: 0 }, action: { type: 'block', message: 'no spends' } },
    {
      id: 'big-advance',
      subject: 'advance',
      condition: { advance_amount_gt: 50_000 },
      action: { type: 'require_approval', approver: 'finance' },
    },
    {
      id: 'huge-advance',
      subject: 'advance',
      condition: { advance_amount_gt: 200_000 },
      action: { type: 'block', message: 'Advances above 2,000.00 are not paid' },
    },
  ]);

  it('runs only the rules of the subject judged', () => {
    expect(evaluate([rules], facts())).toMatchObject({ decision: 'blocked', block_message: 'no spends' });
    expect(evaluate([rules], advance(10_000), 'advance')).toMatchObject({ decision: 'approved', matched_rules: [] });
    const routed = evaluate([rules], advance(60_000), 'advance');
    expect(routed).toMatchObject({ decision: 'pending_approval', approvals: [{ approver: 'finance' }] });
    expect(routed.matched_rules[0].reason).toBe('advance_amount 60000 > 50000');
    expect(evaluate([rules], advance(250_000), 'advance')).toMatchObject({
      decision: 'blocked',
      block_message: 'Advances above 2,000.00 are not paid',
      approvals: [],
    });
  });

  it('stores subject only on advance rules', () => {
    const { rules: saved, problems } = validateRules([
      { condition: { amount_gt: 1 }, action: { type: 'auto_approve' } },
      { subject: 'spend', condition: { amount_gt: 1 }, action: { type: 'auto_approve' } },
      { subject: 'advance', condition: { advance_amount_gt: 1 }, action: { type: 'auto_approve' } },
    ]);
    expect(problems).toEqual([]);
    expect(saved.map((r) => r.subject)).toEqual([undefined, undefined, 'advance']);
  });

  it.each([
    [{ subject: 'report', condition: { amount_gt: 1 } }, 'rules[0].subject', /one of spend, advance/],
    [{ condition: { advance_amount_gt: 1 } }, 'rules[0].condition.advance_amount_gt', /subject: advance/],
    [
      { subject: 'advance', condition: { category_eq: 'Travel' } },
      'rules[0].condition.category_eq',
      /not a field of advance rules/,
    ],
  ])('refuses %j at %s', (rule, path, message) => {
    const { problems } = validateRules([{ action: { type: 'auto_approve' }, ...rule }]);
    expect(problems).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  it.each([[{ type: 'flag', flag: 'odd' }], [{ type: 'require_receipt' }]])(
    'refuses the spend-only action %j on an advance rule',
    (action) => {
      const { problems } = validateRules([{ subject: 'advance', condition: { advance_amount_gt: 1 }, action }]);
      expect(problems).toEqual([
        expect.objectContaining({
          path: 'rules[0].action.type',
          message: expect.stringMatching(/not an action of advance/),
        }),
      ]);
    },
  );
});
