import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const today = day(0);

type Spend = {
  id: string;
  status: string;
  flags: string[];
  policy_evaluation: { matched_rules: Array<{ rule_id: string; reason: string }> };
};

/**
 * The aggregate rule fields: totals of the owner's category, the team, the applicable budget and
 * same-merchant counts, computed inside the submission's transaction; and two submissions racing
 * for the last of a budget.
 */
describe('Budget and aggregate policy fields', () => {
  let t: TestApp;
  afterAll(() => t.close());
  beforeAll(async () => {
    t = await createTestApp();
  });

  const spendOf = async (owner: TestUser, body: object) =>
    (
      await t
        .as(owner)
        .post('/spends', { currency: 'USD', spend_date: today, ...body })
        .expect(201)
    ).body as Spend;
  const matched = (spend: Spend) => spend.policy_evaluation.matched_rules.map((r) => r.rule_id);
  const budgetRules = (spend: Spend) => matched(spend).filter((id) => id.startsWith('budget-'));

  describe('each field, firing at its threshold and not just below it', () => {
    let org: TestOrganization;
    let finance: TestUser;
    let meals: string;
    let books: string;

    beforeAll(async () => {
      org = await t.given.organization();
      finance = await t.given.user(org, 'finance');
      meals = (await t.as(org.admin).post('/categories', { name: 'Meals' }).expect(201)).body.id;
      books = (await t.as(org.admin).post('/categories', { name: 'Books' }).expect(201)).body.id;
      await t.given.policy(org.admin, [
        {
          id: 'meals-cap',
          condition: { all: [{ category_eq: 'meals' }, { user_category_total_day_gt: 75 }] },
          action: { type: 'block', message: 'Meals are capped at 75 a day' },
          priority: 1,
        },
        {
          // Tells 75.01 from 75.02 (a reason names no aggregate value).
          id: 'meals-past-75.01',
          condition: { all: [{ category_eq: 'meals' }, { user_category_total_day_gt: 75.01 }] },
          action: { type: 'flag', flag: 'meals_past_75_01' },
        },
        {
          id: 'books-month',
          condition: { user_category_total_month_gt: 200 },
          action: { type: 'flag', flag: 'category_month_high' },
        },
        {
          id: 'team-month',
          condition: { team_total_period_gt: 300 },
          action: { type: 'flag', flag: 'team_period_high' },
        },
        {
          id: 'budget-80',
          condition: { budget_used_pct_gt: 80 },
          action: { type: 'require_approval', approver: 'finance' },
          priority: 5,
        },
        {
          id: 'budget-100',
          condition: { budget_remaining_lt: 0 },
          action: { type: 'block', message: 'Over budget' },
          priority: 2,
        },
        {
          id: 'repeat-7d',
          condition: { same_merchant_count_7d_gte: 2 },
          action: { type: 'flag', flag: 'repeat_merchant' },
        },
        {
          id: 'repeat-30d',
          condition: { same_merchant_count_30d_gte: 3 },
          action: { type: 'flag', flag: 'repeat_merchant_30d' },
        },
      ]);
    });

    it('user_category_total_day: the owner’s meals of the day, this one counted in', async () => {
      const eater = await t.given.user(org, 'employee');
      const first = await spendOf(eater, { amount: '50.00', category_id: meals, merchant: 'Deli A' });
      expect(first.status).toBe('approved');
      // Another day's and another person's meals do not count.
      await spendOf(eater, { amount: '70.00', category_id: meals, merchant: 'Deli B', spend_date: day(-1) });
      await spendOf(await t.given.user(org, 'employee'), { amount: '70.00', category_id: meals, merchant: 'Deli C' });
      const upTo75 = await spendOf(eater, { amount: '25.00', category_id: meals, merchant: 'Deli D' });
      expect(upTo75.status).toBe('approved');
      const over = await spendOf(eater, { amount: '0.01', category_id: meals, merchant: 'Deli E' });
      expect([over.status, matched(over)]).toEqual(['blocked', ['meals-cap']]);
      expect(over.policy_evaluation.matched_rules[0]).toMatchObject({
        rule_id: 'meals-cap',
        reason: 'category "Meals" = "meals" and user_category_total_day > 75',
      });
      // A blocked spend consumes nothing: the next 0.01 is blocked at 75.01 again, not 75.02.
      const again = await spendOf(eater, { amount: '0.01', category_id: meals, merchant: 'Deli F' });
      expect([again.status, matched(again)]).toEqual(['blocked', ['meals-cap']]);
    });

    it('user_category_total_month: the owner’s category this calendar month', async () => {
      const reader = await t.given.user(org, 'employee');
      await spendOf(reader, { amount: '150.00', category_id: books, merchant: 'Books 1' });
      const at200 = await spendOf(reader, { amount: '50.00', category_id: books, merchant: 'Books 2' });
      expect(at200.flags).not.toContain('category_month_high');
      const over = await spendOf(reader, { amount: '1.00', category_id: books, merchant: 'Books 3' });
      expect(over.flags).toContain('category_month_high');
      // Without a category the field is absent and the rule never holds.
      const none = await spendOf(reader, { amount: '900.00', merchant: 'Books 4' });
      expect(matched(none)).not.toContain('books-month');
    });

    it('team_total_period: the team’s spends this month (no team budget), every member’s', async () => {
      const [a, b] = [await t.given.user(org, 'employee'), await t.given.user(org, 'employee')];
      const team = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Field', member_ids: [a.id, b.id] })
          .expect(201)
      ).body.id;
      await spendOf(a, { amount: '200.00', team_id: team, merchant: 'Team 1' });
      const at300 = await spendOf(b, { amount: '100.00', team_id: team, merchant: 'Team 2' });
      expect(at300.flags).not.toContain('team_period_high');
      const over = await spendOf(a, { amount: '0.50', team_id: team, merchant: 'Team 3' });
      expect(over.flags).toContain('team_period_high');
      // The same owner without the team: absent, never holds.
      expect((await spendOf(a, { amount: '500.00', merchant: 'Team 4' })).flags).not.toContain('team_period_high');
    });

    it('budget_used_pct and budget_remaining: finance approval past 80%, a block past 100%', async () => {
      const [a, b] = [await t.given.user(org, 'employee'), await t.given.user(org, 'employee')];
      const team = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Travel', member_ids: [a.id, b.id] })
          .expect(201)
      ).body.id;
      const budget = (
        await t
          .as(finance)
          .post('/budgets', { name: 'Team travel', scope: 'team', scope_id: team, period: 'month', amount: '1000.00' })
          .expect(201)
      ).body.id;
      const at80 = await spendOf(a, { amount: '800.00', team_id: team, merchant: 'Air 1' });
      expect([at80.status, budgetRules(at80)]).toEqual(['approved', []]);
      const past80 = await spendOf(b, { amount: '100.00', team_id: team, merchant: 'Air 2' });
      expect(past80.status).toBe('pending_approval');
      expect(past80.policy_evaluation.matched_rules).toEqual(
        expect.arrayContaining([expect.objectContaining({ rule_id: 'budget-80', reason: 'budget_used_pct > 80' })]),
      );
      const atZero = await spendOf(a, { amount: '100.00', team_id: team, merchant: 'Air 3' });
      expect([atZero.status, budgetRules(atZero)]).toEqual(['pending_approval', ['budget-80']]);
      const past100 = await spendOf(b, { amount: '0.01', team_id: team, merchant: 'Air 4' });
      expect(past100.status).toBe('blocked');
      expect(past100.policy_evaluation.matched_rules[0]).toMatchObject({
        rule_id: 'budget-100',
        reason: 'budget_remaining < 0',
      });
      expect((await t.as(finance).get(`/budgets/${budget}`).expect(200)).body).toMatchObject({
        spent: '800.00',
        committed: '200.00',
        remaining: '0.00',
        used_pct: 100,
      });
      // No budget applies to a spend without the team: both fields absent, neither rule holds.
      const free = await spendOf(a, { amount: '5000.00', merchant: 'Air 5' });
      expect(budgetRules(free)).toEqual([]);
    });

    it('same_merchant_count_7d and _30d: the owner’s other spends at the merchant, case-insensitively', async () => {
      const regular = await t.given.user(org, 'employee');
      await spendOf(regular, { amount: '4.00', merchant: 'Cafe Luna', spend_date: day(-20) });
      const second = await spendOf(regular, { amount: '5.00', merchant: 'cafe luna', spend_date: day(-3) });
      expect(second.flags).not.toContain('repeat_merchant');
      // Someone else's visits and other merchants do not count.
      await spendOf(await t.given.user(org, 'employee'), { amount: '6.00', merchant: 'Cafe Luna' });
      await spendOf(regular, { amount: '6.00', merchant: 'Cafe Sol' });
      // One other within 7 days (day -3; day -20 is outside), two within 30: just below both thresholds.
      const third = await spendOf(regular, { amount: '7.00', merchant: '  CAFE LUNA ' });
      expect(third.flags).not.toContain('repeat_merchant');
      expect(third.flags).not.toContain('repeat_merchant_30d');
      // Two others within 7 days, three within 30.
      const fourth = await spendOf(regular, { amount: '8.00', merchant: 'Cafe Luna' });
      expect(fourth.flags).toEqual(expect.arrayContaining(['repeat_merchant', 'repeat_merchant_30d']));
    });

    it('refuses the fields with a non-number value or operator when a policy is saved', async () => {
      for (const condition of [
        { budget_used_pct_gt: '80' },
        { budget_remaining_contains: 'x' },
        { same_merchant_count_7d_in: [] },
      ])
        expectProblem(
          await t.as(org.admin).post('/policies', {
            name: `Bad ${Object.keys(condition)[0]}`,
            rules: [{ condition, action: { type: 'flag', flag: 'x' } }],
          }),
          422,
          'INVALID_POLICY_RULE',
        );
    });
  });

  describe('backtest', () => {
    it('computes the fields as of each spend’s submission: the counted spends submitted before it', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      const [a, b] = [await t.given.user(org, 'employee'), await t.given.user(org, 'employee')];
      const team = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Back', member_ids: [a.id, b.id] })
          .expect(201)
      ).body.id;
      const meals = (await t.as(org.admin).post('/categories', { name: 'Meals' }).expect(201)).body.id;
      await t
        .as(finance)
        .post('/budgets', { name: 'Back', scope: 'team', scope_id: team, period: 'month', amount: '100.00' })
        .expect(201);
      // No policy yet: everything is approved, one after the other.
      const first = await spendOf(a, { amount: '60.00', team_id: team, merchant: 'Train' });
      const second = await spendOf(b, { amount: '60.00', team_id: team, merchant: 'Train' });
      const third = await spendOf(a, { amount: '30.00', team_id: team, merchant: 'Train' });
      await spendOf(a, { amount: '50.00', category_id: meals, merchant: 'Deli' });
      const lunch = await spendOf(a, { amount: '30.00', category_id: meals, merchant: 'Deli' });
      expect([first, second, third, lunch].map((s) => s.status)).toEqual([
        'approved',
        'approved',
        'approved',
        'approved',
      ]);

      const backtest = (rules: object[]) =>
        t
          .as(finance)
          .post('/policies/backtest', { from: day(-30), to: today, sample_size: 10, policy: { rules } })
          .expect(200);
      const budget = (
        await backtest([
          { id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over' } },
        ])
      ).body;
      // The first left 40; the second and the third would each have found the budget spent.
      expect(budget.changed).toEqual({
        count: 2,
        amount_base: '90.00',
        by_transition: [{ from: 'approved', to: 'blocked', count: 2, amount_base: '90.00' }],
      });
      expect(
        budget.sample.map((s: { spend_id: string; rule_reason: string }) => [s.spend_id, s.rule_reason]).sort(),
      ).toEqual(
        [
          [second.id, 'budget_remaining < 0'],
          [third.id, 'budget_remaining < 0'],
        ].sort(),
      );
      const cap = (
        await backtest([
          { id: 'cap', condition: { user_category_total_day_gt: 75 }, action: { type: 'block', message: 'Cap' } },
          { id: 'again', condition: { same_merchant_count_7d_gte: 1 }, action: { type: 'block', message: 'Again' } },
        ])
      ).body;
      // The lunch after the 50.00 makes 80 (> 75); the third ride is the owner's second by train.
      expect(cap.sample.map((s: { spend_id: string; rule_id: string }) => [s.spend_id, s.rule_id]).sort()).toEqual(
        [
          [lunch.id, 'cap'],
          [third.id, 'again'],
        ].sort(),
      );
      // An active policy on the fields is judged the same way on the "before" side: nothing changes.
      await t.given.policy(org.admin, [
        { id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over' } },
      ]);
      const same = (
        await backtest([
          { id: 'over2', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over' } },
        ])
      ).body;
      expect(same.changed.count).toBe(0);
    });
  });

  describe('expense report lines', () => {
    it('judges each line with the fields, its locks taken for all lines at once', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      const owner = await t.given.user(org, 'employee');
      const team = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Trip', member_ids: [owner.id] })
          .expect(201)
      ).body.id;
      await t
        .as(finance)
        .post('/budgets', { name: 'Trip', scope: 'team', scope_id: team, period: 'month', amount: '100.00' })
        .expect(201);
      await t.given.policy(org.admin, [
        { id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over budget' } },
      ]);
      await spendOf(owner, { amount: '60.00', team_id: team, merchant: 'Before' });
      const submit = async (amounts: string[]) => {
        const report = (
          await t
            .as(owner)
            .post('/expense-reports', { title: 'Trip', starts_on: day(-1), ends_on: today })
            .expect(201)
        ).body.id;
        const ids: string[] = [];
        for (const amount of amounts)
          ids.push((await spendOf(owner, { amount, team_id: team, merchant: `Line ${amount}`, draft: true })).id);
        await t.as(owner).post(`/expense-reports/${report}/spends`, { spend_ids: ids }).expect(200);
        return t.as(owner).post(`/expense-reports/${report}/submit`);
      };
      expectProblem(await submit(['30.00', '50.00']), 422, 'EXPENSE_REPORT_LINE_BLOCKED');
      const passed = await submit(['30.00', '10.00']);
      expect(passed.status).toBe(200);
      expect(passed.body.lines.map((l: { status: string }) => l.status)).toEqual(['approved', 'approved']);
    });

    it('counts the lines judged before each line: lines cannot overspend a blocking budget together', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      const owner = await t.given.user(org, 'employee');
      const budget = (
        await t
          .as(finance)
          .post('/budgets', { name: 'Own', scope: 'user', scope_id: owner.id, period: 'month', amount: '100.00' })
          .expect(201)
      ).body.id;
      await t.given.policy(org.admin, [
        { id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over budget' } },
        {
          id: 'again',
          condition: { same_merchant_count_7d_gte: 2 },
          action: { type: 'flag', flag: 'repeat_merchant' },
        },
      ]);
      await spendOf(owner, { amount: '60.00', merchant: 'Before' });
      const report = async (amounts: string[], merchant: (i: number) => string) => {
        const id = (
          await t
            .as(owner)
            .post('/expense-reports', { title: 'Trip', starts_on: day(-1), ends_on: today })
            .expect(201)
        ).body.id;
        const ids: string[] = [];
        for (const [i, amount] of amounts.entries())
          ids.push((await spendOf(owner, { amount, merchant: merchant(i), draft: true })).id);
        await t.as(owner).post(`/expense-reports/${id}/spends`, { spend_ids: ids }).expect(200);
        return { id, ids };
      };
      // Each 35.00 alone fits the 40.00 left; the second and third do not once the first is counted.
      const over = await report(['35.00', '35.00', '35.00'], (i) => `Line ${i}`);
      const refused = await t.as(owner).post(`/expense-reports/${over.id}/submit`);
      expectProblem(refused, 422, 'EXPENSE_REPORT_LINE_BLOCKED');
      const blockedLines = (response: { body: { errors: Array<{ field: string }> } }) =>
        response.body.errors.map((e) => e.field);
      expect(blockedLines(refused)).toEqual([`lines.${over.ids[1]}`, `lines.${over.ids[2]}`]);
      // A line judged blocked consumes nothing: 35 + 5 fit the 40 left once the blocked 35 is out.
      const mixed = await report(['35.00', '35.00', '5.00'], (i) => `Mixed ${i}`);
      const partly = await t.as(owner).post(`/expense-reports/${mixed.id}/submit`);
      expectProblem(partly, 422, 'EXPENSE_REPORT_LINE_BLOCKED');
      expect(blockedLines(partly)).toEqual([`lines.${mixed.ids[1]}`]);
      expect((await t.as(finance).get(`/budgets/${budget}`).expect(200)).body).toMatchObject({
        spent: '60.00',
        remaining: '40.00',
      });
      // Two lines at one merchant: the second counts the first (and the spend before the report).
      const fits = await report(['20.00', '19.00'], (i) => (i === 0 ? ' BEFORE' : 'before'));
      const passed = await t.as(owner).post(`/expense-reports/${fits.id}/submit`).expect(200);
      const lines = passed.body.lines as Array<{ id: string; status: string }>;
      expect(lines.map((l) => l.status)).toEqual(['approved', 'approved']);
      const flagsOf = async (id: string) => ((await t.as(owner).get(`/spends/${id}`).expect(200)).body as Spend).flags;
      expect([await flagsOf(fits.ids[0]), await flagsOf(fits.ids[1])]).toEqual([[], ['repeat_merchant']]);
      expect((await t.as(finance).get(`/budgets/${budget}`).expect(200)).body).toMatchObject({ remaining: '1.00' });
    });
  });

  describe('reasons', () => {
    it('state an aggregate condition without its value, which the owner may not read', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      const employee = await t.given.user(org, 'employee');
      const budget = (
        await t
          .as(finance)
          .post('/budgets', { name: 'Org', scope: 'organization', period: 'month', amount: '5000.00' })
          .expect(201)
      ).body.id;
      await t.given.policy(org.admin, [
        { id: 'watch', condition: { budget_used_pct_gte: 0 }, action: { type: 'flag', flag: 'budget_watch' } },
        { id: 'big', condition: { amount_gt: 5 }, action: { type: 'flag', flag: 'big' } },
      ]);
      const spend = await spendOf(employee, { amount: '10.00' });
      expectProblem(await t.as(employee).get(`/budgets/${budget}`), 404, 'BUDGET_NOT_FOUND');
      const read = (await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body as Spend;
      expect(read.policy_evaluation.matched_rules.map((r) => [r.rule_id, r.reason]).sort()).toEqual([
        ['big', 'amount 10 > 5'],
        ['watch', 'budget_used_pct ≥ 0'],
      ]);
    });
  });

  describe('simulation', () => {
    it('computes the fields with the simulated spend counted in, before and after a budget exists, storing nothing', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      const owner = await t.given.user(org, 'employee');
      const team = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Ops', member_ids: [owner.id] })
          .expect(201)
      ).body.id;
      await t.given.policy(org.admin, [
        {
          id: 'budget-80',
          condition: { budget_used_pct_gt: 80 },
          action: { type: 'require_approval', approver: 'finance' },
        },
        { id: 'budget-100', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over budget' } },
      ]);
      await spendOf(owner, { amount: '700.00', team_id: team, merchant: 'Hotel' });
      const simulate = () =>
        t
          .as(finance)
          .post('/policies/simulate', {
            amount: '200.00',
            currency: 'USD',
            spend_date: today,
            team_id: team,
            user_id: owner.id,
          })
          .expect(200);
      expect((await simulate()).body).toMatchObject({ decision: 'approved', matched_rules: [] });
      await t
        .as(finance)
        .post('/budgets', { name: 'Ops', scope: 'team', scope_id: team, period: 'month', amount: '1000.00' })
        .expect(201);
      const after = (await simulate()).body;
      expect(after).toMatchObject({ decision: 'pending_approval' });
      expect(after.matched_rules).toEqual([
        expect.objectContaining({ rule_id: 'budget-80', reason: 'budget_used_pct > 80' }),
      ]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM spends WHERE organization_id = $1`, [
        org.id,
      ]);
      expect(n).toBe(1);
    });
  });

  describe('concurrency', () => {
    // The suites' default pool of one connection would serialize every transaction: give the
    // submissions connections of their own, so that only the locks can order them.
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ DATABASE_POOL_SIZE: '8' });
    });
    afterAll(() => t.close());

    it('lets exactly one of simultaneous submissions take the last of a budget, round after round', async () => {
      const org = await t.given.organization();
      const finance = await t.given.user(org, 'finance');
      await t.given.policy(org.admin, [
        { id: 'over', condition: { budget_remaining_lt: 0 }, action: { type: 'block', message: 'Over budget' } },
      ]);
      for (let round = 0; round < 5; round += 1) {
        // Different people, so that only the budget's lock (not the owner's) can order them; two at
        // once, then six.
        const size = round % 2 === 0 ? 2 : 6;
        const owners = await Promise.all(Array.from({ length: size }, () => t.given.user(org, 'employee')));
        const team = (
          await t
            .as(org.admin)
            .post('/teams', { name: `Race ${round}`, member_ids: owners.map((o) => o.id) })
            .expect(201)
        ).body.id;
        const budget = (
          await t
            .as(finance)
            .post('/budgets', {
              name: `Race ${round}`,
              scope: 'team',
              scope_id: team,
              period: 'month',
              amount: '100.00',
            })
            .expect(201)
        ).body.id;
        const results = await Promise.all(
          owners.map((owner) =>
            t.as(owner).post('/spends', {
              amount: '60.00',
              currency: 'USD',
              spend_date: today,
              team_id: team,
              merchant: 'Race',
            }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(owners.map(() => 201));
        expect(results.map((r) => r.body.status).sort()).toEqual(['approved', ...owners.slice(1).map(() => 'blocked')]);
        expect((await t.as(finance).get(`/budgets/${budget}`).expect(200)).body).toMatchObject({
          spent: '60.00',
          remaining: '40.00',
        });
      }
    });
  });
});
