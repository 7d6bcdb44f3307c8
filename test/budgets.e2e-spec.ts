import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const today = day(0);
const month = today.slice(0, 7);
/** The first day of the month after this one, and a day of the month before it. */
const nextMonth = (() => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
})();
const previousMonthDay = (() => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
})();
const lastDayOf = (date: string) => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
};

/**
 * Budgets: finance and admins manage them, everyone reads those that concern them, and the
 * figures come from spends: approved and paid are spent, pending committed, the rest nothing.
 */
describe('Budgets', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let finance: TestUser;
  let lead: TestUser; // manager, lead of the team
  let member: TestUser; // employee of the team
  let spender: TestUser; // employee with a user budget
  let accountant: TestUser;
  let team: string;
  let otherTeam: string;
  let category: string;

  const create = (body: object, as: TestUser = finance) =>
    t.as(as).post('/budgets', { name: 'Budget', amount: '500.00', period: 'month', ...body });
  const auditActions = async (id: string) =>
    (
      (await t.dataSource.query(
        `SELECT action FROM audit_logs WHERE entity_type = 'budget' AND entity_id = $1 ORDER BY seq`,
        [id],
      )) as Array<{ action: string }>
    ).map((r) => r.action);

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
    other = await t.given.organization();
    finance = await t.given.user(org, 'finance');
    lead = await t.given.user(org, 'manager');
    member = await t.given.user(org, 'employee');
    spender = await t.given.user(org, 'employee');
    accountant = await t.given.user(org, 'accountant');
    team = (
      await t
        .as(org.admin)
        .post('/teams', { name: 'Sales', lead_id: lead.id, member_ids: [member.id] })
        .expect(201)
    ).body.id;
    otherTeam = (await t.as(other.admin).post('/teams', { name: 'Elsewhere' }).expect(201)).body.id;
    category = (await t.as(org.admin).post('/categories', { name: 'Travel' }).expect(201)).body.id;
    // Spends at a "Review" merchant wait for finance; at a casino they are blocked.
    await t.given.policy(org.admin, [
      {
        id: 'review',
        condition: { merchant_contains: 'review' },
        action: { type: 'require_approval', approver: 'finance' },
      },
      { id: 'casino', condition: { merchant_contains: 'casino' }, action: { type: 'block', message: 'No gambling' } },
    ]);
  });
  afterAll(() => t.close());

  describe('managing', () => {
    it('creates a team budget with its figures for this month, audited', async () => {
      const created = await create({ name: 'Sales travel', scope: 'team', scope_id: team, amount: 1000 }).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Sales travel',
        scope: 'team',
        scope_id: team,
        period: 'month',
        starts_on: null,
        ends_on: null,
        amount: '1000.00',
        currency: 'USD',
        counts: ['pending_approval', 'approved', 'paid'],
        rollover: false,
        on: today,
        period_start: `${month}-01`,
        period_end: lastDayOf(today),
        rolled_over: '0.00',
        spent: '0.00',
        committed: '0.00',
        remaining: '1000.00',
        used_pct: 0,
        created_by: finance.id,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(await auditActions(created.body.id)).toEqual(['budget.created']);
      const quarter = await create({ scope: 'organization', period: 'quarter' }, org.admin).expect(201);
      const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1;
      expect(quarter.body.period_start).toBe(`${today.slice(0, 4)}-${String(q).padStart(2, '0')}-01`);
      const year = await create({ scope: 'organization', period: 'year' }).expect(201);
      expect([year.body.period_start, year.body.period_end]).toEqual([
        `${today.slice(0, 4)}-01-01`,
        `${today.slice(0, 4)}-12-31`,
      ]);
    });

    it('refuses a scope that names nothing of the organization, with 422', async () => {
      const cases: Array<[object, string]> = [
        [{ scope: 'team' }, 'BUDGET_SCOPE_INVALID'],
        [{ scope: 'team', scope_id: otherTeam }, 'BUDGET_SCOPE_INVALID'],
        [{ scope: 'user', scope_id: other.admin.id }, 'BUDGET_SCOPE_INVALID'],
        [{ scope: 'category', scope_id: team }, 'BUDGET_SCOPE_INVALID'],
        [{ scope: 'organization', scope_id: team }, 'BUDGET_SCOPE_INVALID'],
        [{ scope: 'project' }, 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of cases) expectProblem(await create(body), 422, code);
    });

    it('refuses invalid periods, amounts and counts, with 422', async () => {
      const cases: Array<[object, string]> = [
        [{ scope: 'organization', period: 'custom' }, 'BUDGET_PERIOD_INVALID'],
        [{ scope: 'organization', period: 'custom', starts_on: day(0), ends_on: day(-1) }, 'BUDGET_PERIOD_INVALID'],
        [
          { scope: 'organization', period: 'custom', starts_on: '2026-01-01', ends_on: '2028-06-01' },
          'BUDGET_PERIOD_INVALID',
        ],
        [
          { scope: 'organization', period: 'custom', starts_on: day(0), ends_on: day(9), rollover: true },
          'BUDGET_PERIOD_INVALID',
        ],
        [{ scope: 'organization', period: 'month', starts_on: day(0) }, 'BUDGET_PERIOD_INVALID'],
        [{ scope: 'organization', period: 'week' }, 'VALIDATION_FAILED'],
        [{ scope: 'organization', amount: '10.001' }, 'BUDGET_AMOUNT_INVALID'],
        [{ scope: 'organization', amount: 0 }, 'BUDGET_AMOUNT_INVALID'],
        [{ scope: 'organization', amount: '-5' }, 'BUDGET_AMOUNT_INVALID'],
        [{ scope: 'organization', amount: true }, 'VALIDATION_FAILED'],
        [{ scope: 'organization', counts: ['paid'] }, 'BUDGET_COUNTS_INVALID'],
        [{ scope: 'organization', counts: ['rejected'] }, 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of cases) expectProblem(await create(body), 422, code);
      const budget = (await create({ scope: 'organization' }).expect(201)).body;
      expectProblem(
        await t.as(finance).patch(`/budgets/${budget.id}`, { amount: '1.234' }),
        422,
        'BUDGET_AMOUNT_INVALID',
      );
      expectProblem(
        await t.as(finance).patch(`/budgets/${budget.id}`, { ends_on: day(3) }),
        422,
        'BUDGET_PERIOD_INVALID',
      );
      expectProblem(await t.as(finance).patch(`/budgets/${budget.id}`, { scope: 'team' }), 422, 'VALIDATION_FAILED');
    });

    it('lets only finance and admins write (403), and answers 404 to another organization', async () => {
      const budget = (await create({ scope: 'organization' }).expect(201)).body;
      for (const caller of [member, lead, accountant]) {
        expectProblem(await create({ scope: 'organization' }, caller), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(
          await t.as(caller).patch(`/budgets/${budget.id}`, { name: 'x' }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(await t.as(caller).delete(`/budgets/${budget.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
      }
      expectProblem(await t.as(other.admin).get(`/budgets/${budget.id}`), 404, 'BUDGET_NOT_FOUND');
      expectProblem(await t.as(other.admin).patch(`/budgets/${budget.id}`, { name: 'x' }), 404, 'BUDGET_NOT_FOUND');
      expectProblem(await t.as(other.admin).delete(`/budgets/${budget.id}`), 404, 'BUDGET_NOT_FOUND');
      expect((await t.as(other.admin).get('/budgets').expect(200)).body.total).toBe(0);
    });

    it('changes name, amount and counts, audited, and archives on DELETE', async () => {
      const budget = (await create({ scope: 'organization', name: 'Before' }).expect(201)).body;
      const changed = await t
        .as(org.admin)
        .patch(`/budgets/${budget.id}`, { name: 'After', amount: '750.50', counts: ['approved', 'paid'] })
        .expect(200);
      expect(changed.body).toMatchObject({
        name: 'After',
        amount: '750.50',
        counts: ['approved', 'paid'],
        remaining: expect.any(String),
      });
      await t.as(finance).delete(`/budgets/${budget.id}`).expect(200, { message: 'Deleted successfully' });
      expectProblem(await t.as(finance).get(`/budgets/${budget.id}`), 404, 'BUDGET_NOT_FOUND');
      expectProblem(await t.as(finance).delete(`/budgets/${budget.id}`), 404, 'BUDGET_NOT_FOUND');
      const listed = (await t.as(finance).get('/budgets?limit=100').expect(200)).body.items.map(
        (b: { id: string }) => b.id,
      );
      expect(listed).not.toContain(budget.id);
      expect(await auditActions(budget.id)).toEqual(['budget.created', 'budget.updated', 'budget.archived']);
    });
  });

  describe('reading', () => {
    it('pages the list with the total of every match, also past the last page', async () => {
      const paged = await t.given.organization();
      const pagedFinance = await t.given.user(paged, 'finance');
      for (const name of ['B0', 'B1', 'B2'])
        await t
          .as(pagedFinance)
          .post('/budgets', { name, scope: 'organization', period: 'month', amount: '10.00' })
          .expect(201);
      const first = (await t.as(pagedFinance).get('/budgets?limit=2&offset=0').expect(200)).body;
      expect([first.total, first.items.map((b: { name: string }) => b.name)]).toEqual([3, ['B0', 'B1']]);
      const last = (await t.as(pagedFinance).get('/budgets?limit=2&offset=2').expect(200)).body;
      expect([last.total, last.items.length]).toEqual([3, 1]);
      const past = (await t.as(pagedFinance).get('/budgets?limit=2&offset=4').expect(200)).body;
      expect([past.total, past.items]).toEqual([3, []]);
      expect((await t.as(other.admin).get('/budgets?offset=4').expect(200)).body.total).toBe(0);
    });

    it('shows employees and managers their own and their teams’ budgets only; finance and the accountant all', async () => {
      const teamBudget = (await create({ scope: 'team', scope_id: team, name: 'Team' }).expect(201)).body.id;
      const own = (await create({ scope: 'user', scope_id: member.id, name: 'Own' }).expect(201)).body.id;
      const someoneElse = (await create({ scope: 'user', scope_id: spender.id, name: 'Theirs' }).expect(201)).body.id;
      const whole = (await create({ scope: 'organization', name: 'Whole' }).expect(201)).body.id;
      const listed = async (caller: TestUser) =>
        (await t.as(caller).get('/budgets?limit=100').expect(200)).body.items as Array<{
          id: string;
          scope: string;
          scope_id: string | null;
        }>;
      const ids = async (caller: TestUser) => (await listed(caller)).map((b) => b.id);
      // Earlier tests made team budgets too: the member sees exactly the team's and their own.
      const mine = await listed(member);
      expect(mine.map((b) => b.id)).toEqual(expect.arrayContaining([teamBudget, own]));
      expect(
        mine.every(
          (b) => (b.scope === 'team' && b.scope_id === team) || (b.scope === 'user' && b.scope_id === member.id),
        ),
      ).toBe(true);
      const leads = await listed(lead);
      expect(leads.map((b) => b.id)).toContain(teamBudget);
      expect(leads.every((b) => b.scope === 'team' && b.scope_id === team)).toBe(true);
      await t.as(member).get(`/budgets/${own}`).expect(200);
      for (const hidden of [someoneElse, whole])
        expectProblem(await t.as(member).get(`/budgets/${hidden}`), 404, 'BUDGET_NOT_FOUND');
      expect(await ids(accountant)).toEqual(expect.arrayContaining([teamBudget, own, someoneElse, whole]));
      expect(await ids(finance)).toEqual(expect.arrayContaining([teamBudget, own, someoneElse, whole]));
      const teams = (await t.as(finance).get('/budgets?scope=team&limit=100').expect(200)).body.items as Array<{
        scope: string;
      }>;
      expect(teams.every((b) => b.scope === 'team')).toBe(true);
      expectProblem(await t.as(finance).get('/budgets?on=2026-02-30'), 422, 'VALIDATION_FAILED');
    });

    it('counts approved and paid as spent, pending as committed, and never drafts, rejected or blocked spends', async () => {
      const budget = (
        await create({ scope: 'user', scope_id: spender.id, amount: '500.00', rollover: false }).expect(201)
      ).body;
      const spend = (body: object) =>
        t.given.spend(spender, { spend_date: today, ...body }) as Promise<{
          id: string;
          status: string;
          approvals: Array<{ id: string }>;
        }>;
      expect((await spend({ amount: '100.00', merchant: 'Shop' })).status).toBe('approved');
      const paid = await spend({ amount: '50.00', merchant: 'Shop' });
      await t.as(finance).post(`/spends/${paid.id}/pay`, { reference: 'P-1' }).expect(200);
      expect((await spend({ amount: '30.00', merchant: 'Review A' })).status).toBe('pending_approval');
      const rejected = await spend({ amount: '20.00', merchant: 'Review B' });
      await t
        .as(finance)
        .post(`/approvals/${rejected.approvals[0].id}/decision`, { approved: false, comment: 'No' })
        .expect(200);
      await spend({ amount: '7.00', merchant: 'Shop', draft: true });
      expect((await spend({ amount: '9.00', merchant: 'Casino' })).status).toBe('blocked');
      // Another user's spend and a spend of last month do not count.
      await t.given.spend(member, { amount: '11.00', merchant: 'Shop', spend_date: today });
      await spend({ amount: '13.00', merchant: 'Shop', spend_date: previousMonthDay });

      const figures = (await t.as(spender).get(`/budgets/${budget.id}`).expect(200)).body;
      expect(figures).toMatchObject({
        spent: '150.00',
        committed: '30.00',
        remaining: '320.00',
        used_pct: 36,
        rolled_over: '0.00',
      });
      const approvedOnly = await t
        .as(finance)
        .patch(`/budgets/${budget.id}`, { counts: ['approved', 'paid'] })
        .expect(200);
      expect(approvedOnly.body).toMatchObject({
        spent: '150.00',
        committed: '30.00',
        remaining: '350.00',
        used_pct: 30,
      });

      // `on` picks the period: last month holds the 13.00.
      const before = (await t.as(finance).get(`/budgets/${budget.id}?on=${previousMonthDay}`).expect(200)).body;
      expect(before).toMatchObject({
        period_start: `${previousMonthDay.slice(0, 7)}-01`,
        period_end: previousMonthDay,
        spent: '13.00',
      });
      const listed = (await t.as(finance).get(`/budgets?scope=user&limit=100&on=${previousMonthDay}`).expect(200)).body
        .items;
      expect(listed.find((b: { id: string }) => b.id === budget.id)).toMatchObject({
        spent: '13.00',
        committed: '0.00',
      });

      // Rollover: next month carries this month's unused 350.00 (counts approved and paid); this
      // month gets nothing from the last, which started before the budget existed.
      const next = () => t.as(finance).get(`/budgets/${budget.id}?on=${nextMonth}`).expect(200);
      expect((await next()).body).toMatchObject({ rolled_over: '0.00', remaining: '500.00' });
      await t.as(finance).patch(`/budgets/${budget.id}`, { rollover: true }).expect(200);
      expect((await next()).body).toMatchObject({
        period_start: nextMonth,
        rolled_over: '350.00',
        spent: '0.00',
        remaining: '850.00',
      });
      expect((await t.as(finance).get(`/budgets/${budget.id}`).expect(200)).body.rolled_over).toBe('0.00');
    });

    it('rolls no overspend over: the next period starts at its amount', async () => {
      const budget = (await create({ scope: 'user', scope_id: lead.id, amount: '100.00', rollover: true }).expect(201))
        .body;
      await t.given.spend(lead, { amount: '120.00', merchant: 'Shop', spend_date: today });
      expect((await t.as(lead).get(`/budgets/${budget.id}`).expect(200)).body).toMatchObject({
        remaining: '-20.00',
        used_pct: 120,
      });
      expect((await t.as(lead).get(`/budgets/${budget.id}?on=${nextMonth}`).expect(200)).body).toMatchObject({
        rolled_over: '0.00',
        remaining: '100.00',
      });
    });

    it('counts a custom period’s own range whatever `on` says, for a category', async () => {
      const budget = (
        await create({
          scope: 'category',
          scope_id: category,
          period: 'custom',
          starts_on: day(-5),
          ends_on: day(0),
          amount: '200',
        }).expect(201)
      ).body;
      await t.given.spend(member, { amount: '40.00', merchant: 'Rail', category_id: category, spend_date: day(-2) });
      await t.given.spend(spender, { amount: '10.00', merchant: 'Rail', category_id: category, spend_date: day(0) });
      await t.given.spend(member, { amount: '99.00', merchant: 'Rail', category_id: category, spend_date: day(-6) });
      await t.given.spend(member, { amount: '55.00', merchant: 'Rail', spend_date: day(-1) });
      for (const on of [today, '2020-01-01']) {
        const figures = (await t.as(finance).get(`/budgets/${budget.id}?on=${on}`).expect(200)).body;
        expect(figures).toMatchObject({
          period_start: day(-5),
          period_end: day(0),
          spent: '50.00',
          remaining: '150.00',
          used_pct: 25,
        });
      }
      const moved = await t
        .as(finance)
        .patch(`/budgets/${budget.id}`, { starts_on: day(-6) })
        .expect(200);
      expect(moved.body).toMatchObject({ starts_on: day(-6), spent: '149.00' });
    });
  });

  describe('the report by budget', () => {
    it('groups by budget with each one’s figures, over-budget ones marked, in the caller’s view', async () => {
      const report = (await t.as(finance).get('/reports/budgets?scope=user').expect(200)).body;
      expect(report.on).toBe(today);
      const over = report.budgets.find((b: { scope_id: string }) => b.scope_id === lead.id);
      expect(over).toMatchObject({
        scope: 'user',
        amount: '100.00',
        spent: '120.00',
        remaining: '-20.00',
        over_budget: true,
      });
      expect(report.over_budget_count).toBe(
        report.budgets.filter((b: { over_budget: boolean }) => b.over_budget).length,
      );
      expect(report.over_budget_count).toBeGreaterThanOrEqual(1);
      const sum = report.budgets.reduce(
        (total: number, b: { spent: string }) => total + Math.round(Number(b.spent) * 100),
        0,
      );
      expect(report.totals).toEqual([expect.objectContaining({ currency: 'USD', spent: (sum / 100).toFixed(2) })]);
      // The manager reads the report too, but only their team's and their own budgets.
      const managers = (await t.as(lead).get('/reports/budgets').expect(200)).body.budgets as Array<{
        scope: string;
        scope_id: string;
      }>;
      expect(managers.length).toBeGreaterThan(0);
      expect(managers.every((b) => (b.scope === 'team' && b.scope_id === team) || b.scope_id === lead.id)).toBe(true);
      await t.as(accountant).get('/reports/budgets').expect(200);
      expectProblem(await t.as(member).get('/reports/budgets'), 403, 'INSUFFICIENT_PERMISSIONS');
      expect((await t.as(other.admin).get('/reports/budgets').expect(200)).body).toMatchObject({
        budgets: [],
        over_budget_count: 0,
        totals: [],
      });
      expectProblem(await t.as(finance).get('/reports/budgets?on=tomorrow'), 422, 'VALIDATION_FAILED');
    });

    it('totals budgets whose spends reach a trillion major units (summed in minor units, not re-parsed)', async () => {
      const big = await t.given.organization();
      const bigFinance = await t.given.user(big, 'finance');
      await t
        .as(bigFinance)
        .post('/budgets', { name: 'Year', scope: 'organization', period: 'year', amount: '999999999999.00' })
        .expect(201);
      for (const merchant of ['Big 1', 'Big 2'])
        await t
          .as(bigFinance)
          .post('/spends', { amount: '600000000000.00', currency: 'USD', spend_date: today, merchant })
          .expect(201);
      const report = (await t.as(bigFinance).get('/reports/budgets').expect(200)).body;
      expect(report.budgets[0]).toMatchObject({ spent: '1200000000000.00', over_budget: true });
      expect(report.totals).toEqual([
        { currency: 'USD', amount: '999999999999.00', spent: '1200000000000.00', committed: '0.00' },
      ]);
    });
  });
});
