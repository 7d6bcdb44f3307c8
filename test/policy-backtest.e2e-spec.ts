import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Backtest {
  period: { from: string; to: string };
  base_currency: string;
  spends_evaluated: number;
  changed: {
    count: number;
    amount_base: string;
    by_transition: Array<{ from: string; to: string; count: number; amount_base: string }>;
  };
  approvers_asked: Array<{ requirement: string; user_id: string | null; role: string | null; count: number }>;
  sample: Array<Record<string, unknown>>;
  unchanged_count: number;
  duration_ms: number;
}

const FINANCE_ABOVE_500 = {
  id: 'finance-above-500',
  condition: { amount_gt: 500 },
  action: { type: 'require_approval', approver: 'finance' },
  priority: 1,
};

/**
 * POST /policies/backtest: a draft policy (or a change to one) replayed over a past period's
 * spends by the live engine, answering what would have changed and storing nothing.
 */
describe('Policy backtest', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let employee: TestUser;
  let manager: TestUser;
  let finance: TestUser;
  let accountant: TestUser;
  const spendIds: Record<string, string> = {};
  const period = { from: '2026-01-01', to: '2026-01-31' };

  const count = async (sql: string, params: unknown[]) => Number((await t.dataSource.query(sql, params))[0].count);
  const snapshot = async (organizationId: string) => ({
    spends: await t.dataSource.query(
      `SELECT id, status, policy_evaluation, updated_at FROM spends WHERE organization_id = $1 ORDER BY id`,
      [organizationId],
    ),
    policies: await t.dataSource.query(
      `SELECT id, version, rules, is_active, updated_at FROM policies WHERE organization_id = $1 ORDER BY id`,
      [organizationId],
    ),
    audit: await count(`SELECT count(*) FROM audit_logs WHERE organization_id = $1`, [organizationId]),
    outbox: await count(`SELECT count(*) FROM outbox WHERE organization_id = $1`, [organizationId]),
  });

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    manager = await t.given.user(acme, 'manager');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    finance = await t.given.user(acme, 'finance');
    accountant = await t.given.user(acme, 'accountant');
    // Acme, no policies yet: every spend is approved as it is submitted.
    const at = async (name: string, amount: string, spend_date: string, merchant = 'Hotel Lux') => {
      const spend = await t.given.spend(employee, { amount, spend_date, merchant });
      expect(spend.status).toBe('approved');
      spendIds[name] = spend.id;
    };
    await at('small', '120.00', '2026-01-05');
    await at('big', '650.00', '2026-01-10');
    await at('bigger', '900.50', '2026-01-20', 'Casino Royale');
    await at('outside', '700.00', '2026-02-15');
    // Globex has a large spend in the same period: it never counts for Acme.
    const other = await t.given.user(globex, 'employee');
    await t.given.spend(other, { amount: '5000.00', spend_date: '2026-01-12' });
  });
  afterAll(() => t.close());

  it('counts the approved spends a finance step above 500 would have sent to pending, and who would be asked', async () => {
    const before = await snapshot(acme.id);
    const response = await t
      .as(finance)
      .post('/policies/backtest', { ...period, policy: { rules: [FINANCE_ABOVE_500] } })
      .expect(200);
    const body = response.body as Backtest;
    expect(body).toMatchObject({
      period,
      base_currency: 'USD',
      spends_evaluated: 3,
      unchanged_count: 1,
      changed: {
        count: 2,
        amount_base: '1550.50',
        by_transition: [{ from: 'approved', to: 'pending_approval', count: 2, amount_base: '1550.50' }],
      },
      approvers_asked: [{ requirement: 'finance', user_id: null, role: 'finance', count: 2 }],
    });
    expect(body.sample.map((s) => s.spend_id).sort()).toEqual([spendIds.big, spendIds.bigger].sort());
    expect(body.sample.find((s) => s.spend_id === spendIds.big)).toEqual({
      spend_id: spendIds.big,
      spend_date: '2026-01-10',
      amount: '650.00 USD',
      base_amount: '650.00',
      from: 'approved',
      to: 'pending_approval',
      rule_id: 'finance-above-500',
      rule_reason: 'amount 650 > 500',
    });
    expect(typeof body.duration_ms).toBe('number');
    // Nothing stored: spends, policies, audit and outbox as they were.
    expect(await snapshot(acme.id)).toEqual(before);
  });

  it('resolves a manager step to the owner’s manager, and honours sample_size', async () => {
    const rules = [{ ...FINANCE_ABOVE_500, action: { type: 'require_approval', approver: 'manager' } }];
    const body = (
      await t
        .as(acme.admin)
        .post('/policies/backtest', { ...period, policy: { rules }, sample_size: 1 })
        .expect(200)
    ).body as Backtest;
    expect(body.changed.count).toBe(2);
    expect(body.approvers_asked).toEqual([{ requirement: 'manager', user_id: manager.id, role: null, count: 2 }]);
    expect(body.sample).toHaveLength(1);
  });

  it('moves spends a block rule catches to blocked', async () => {
    const rules = [
      {
        id: 'no-casino',
        condition: { merchant_contains: 'casino' },
        action: { type: 'block', message: 'No gambling' },
        priority: 0,
      },
    ];
    const body = (
      await t
        .as(finance)
        .post('/policies/backtest', { ...period, policy: { rules } })
        .expect(200)
    ).body as Backtest;
    expect(body.changed).toEqual({
      count: 1,
      amount_base: '900.50',
      by_transition: [{ from: 'approved', to: 'blocked', count: 1, amount_base: '900.50' }],
    });
    expect(body.approvers_asked).toEqual([]);
    expect(body.sample).toEqual([
      expect.objectContaining({ spend_id: spendIds.bigger, rule_id: 'no-casino', to: 'blocked' }),
    ]);
  });

  it('replaces an existing policy’s rules for the run, leaving the policy as it was', async () => {
    const org = await t.given.organization();
    const owner = await t.given.user(org, 'employee');
    const strict = await t.given.policy(org.admin, [
      {
        id: 'all-to-finance',
        condition: { amount_gt: 100 },
        action: { type: 'require_approval', approver: 'finance' },
        priority: 1,
      },
    ]);
    const pending = await t.given.spend(owner, { amount: '300.00', spend_date: '2026-01-07' });
    const cheap = await t.given.spend(owner, { amount: '50.00', spend_date: '2026-01-08' });
    expect([pending.status, cheap.status]).toEqual(['pending_approval', 'approved']);
    const before = await snapshot(org.id);

    // The change raises the threshold to 500: the 300.00 spend would have been approved.
    const relaxed = [
      {
        id: 'all-to-finance',
        condition: { amount_gt: 500 },
        action: { type: 'require_approval', approver: 'finance' },
        priority: 1,
      },
    ];
    const body = (
      await t
        .as(org.admin)
        .post('/policies/backtest', { ...period, policy_id: strict.id, rules: relaxed })
        .expect(200)
    ).body as Backtest;
    expect(body).toMatchObject({
      spends_evaluated: 2,
      unchanged_count: 1,
      changed: {
        count: 1,
        amount_base: '300.00',
        by_transition: [{ from: 'pending_approval', to: 'approved', count: 1 }],
      },
      approvers_asked: [],
      sample: [{ spend_id: pending.id, rule_id: 'all-to-finance', from: 'pending_approval', to: 'approved' }],
    });
    expect(await snapshot(org.id)).toEqual(before);
  });

  it('ignores spends outside the period and another organization’s spends', async () => {
    const february = (
      await t
        .as(finance)
        .post('/policies/backtest', { from: '2026-02-01', to: '2026-02-28', policy: { rules: [FINANCE_ABOVE_500] } })
        .expect(200)
    ).body as Backtest;
    expect(february).toMatchObject({ spends_evaluated: 1, changed: { count: 1, amount_base: '700.00' } });
    expect(february.sample.map((s) => s.spend_id)).toEqual([spendIds.outside]);

    // Globex's own backtest sees its one spend, never Acme's.
    const globexView = (
      await t
        .as(globex.admin)
        .post('/policies/backtest', { ...period, policy: { rules: [FINANCE_ABOVE_500] } })
        .expect(200)
    ).body as Backtest;
    expect(globexView).toMatchObject({ spends_evaluated: 1, changed: { count: 1, amount_base: '5000.00' } });
  });

  it('tells a wait for a receipt apart, and counts days_since_spend to the submission', async () => {
    const receipts = [
      { id: 'receipts', condition: { amount_gt: 0 }, action: { type: 'require_receipt' }, priority: 1 },
    ];
    const waiting = (
      await t
        .as(finance)
        .post('/policies/backtest', { ...period, policy: { rules: receipts } })
        .expect(200)
    ).body as Backtest;
    expect(waiting.changed.by_transition).toEqual([
      { from: 'approved', to: 'awaiting_receipt', count: 3, amount_base: '1670.50' },
    ]);

    const org = await t.given.organization();
    const owner = await t.given.user(org, 'employee');
    const spend = await t.given.spend(owner, { amount: '80.00', spend_date: '2026-01-10' });
    // As if it had been submitted two days after the spend (arranged here; the API submits today).
    await t.dataSource.query(`UPDATE spends SET submitted_at = '2026-01-12T09:00:00Z' WHERE id = $1`, [spend.id]);
    const late = (days: number) => [
      {
        id: 'late',
        condition: { days_since_spend_gt: days },
        action: { type: 'block', message: 'Too late' },
        priority: 0,
      },
    ];
    const atTwo = (
      await t
        .as(org.admin)
        .post('/policies/backtest', { ...period, policy: { rules: late(1) } })
        .expect(200)
    ).body as Backtest;
    expect(atTwo.sample).toEqual([
      expect.objectContaining({ spend_id: spend.id, to: 'blocked', rule_reason: 'days_since_spend 2 > 1' }),
    ]);
    const notLate = (
      await t
        .as(org.admin)
        .post('/policies/backtest', { ...period, policy: { rules: late(2) } })
        .expect(200)
    ).body as Backtest;
    expect(notLate.changed.count).toBe(0);
  });

  it('refuses rules the policy validator refuses (422 INVALID_POLICY_RULE)', async () => {
    const response = await t
      .as(finance)
      .post('/policies/backtest', {
        ...period,
        policy: { rules: [{ condition: { colour_eq: 'red' }, action: { type: 'block', message: 'x' } }] },
      })
      .expect(422);
    expectProblem(response, 422, 'INVALID_POLICY_RULE');
  });

  it('refuses a period over 366 days or running backwards (422 BACKTEST_PERIOD_INVALID)', async () => {
    const body = { policy: { rules: [FINANCE_ABOVE_500] } };
    expectProblem(
      await t
        .as(finance)
        .post('/policies/backtest', { ...body, from: '2025-01-01', to: '2026-01-02' })
        .expect(422),
      422,
      'BACKTEST_PERIOD_INVALID',
    );
    expectProblem(
      await t
        .as(finance)
        .post('/policies/backtest', { ...body, from: '2026-02-01', to: '2026-01-01' })
        .expect(422),
      422,
      'BACKTEST_PERIOD_INVALID',
    );
    // 366 days, both ends counted, is allowed.
    await t
      .as(finance)
      .post('/policies/backtest', { ...body, from: '2024-01-01', to: '2024-12-31' })
      .expect(200);
  });

  it('refuses both or neither draft form (422 BACKTEST_DRAFT_INVALID) and validates the body (422 VALIDATION_FAILED)', async () => {
    expectProblem(await t.as(finance).post('/policies/backtest', period).expect(422), 422, 'BACKTEST_DRAFT_INVALID');
    expectProblem(
      await t
        .as(finance)
        .post('/policies/backtest', {
          ...period,
          policy: { rules: [FINANCE_ABOVE_500] },
          policy_id: UNKNOWN_ID,
          rules: [FINANCE_ABOVE_500],
        })
        .expect(422),
      422,
      'BACKTEST_DRAFT_INVALID',
    );
    expectProblem(
      await t
        .as(finance)
        .post('/policies/backtest', { ...period, policy: { rules: [FINANCE_ABOVE_500] }, sample_size: 101 })
        .expect(422),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await t
        .as(finance)
        .post('/policies/backtest', { ...period, policy: { rules: [FINANCE_ABOVE_500] }, extra: 1 })
        .expect(422),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('answers 404 for a policy of another organization or none', async () => {
    const theirs = await t.given.policy(globex.admin, [FINANCE_ABOVE_500]);
    for (const id of [theirs.id, UNKNOWN_ID]) {
      expectProblem(
        await t
          .as(finance)
          .post('/policies/backtest', { ...period, policy_id: id, rules: [FINANCE_ABOVE_500] })
          .expect(404),
        404,
        'POLICY_NOT_FOUND',
      );
    }
  });

  it('is for finance and admins: employees, managers and accountants get 403; no token 401', async () => {
    const body = { ...period, policy: { rules: [FINANCE_ABOVE_500] } };
    for (const caller of [employee, manager, accountant]) {
      expectProblem(await t.as(caller).post('/policies/backtest', body).expect(403), 403, 'INSUFFICIENT_PERMISSIONS');
    }
    const anonymous = await request(t.http).post('/api/v1/policies/backtest').send(body).expect(401);
    expectProblem(anonymous, 401, 'AUTHENTICATION_REQUIRED');
  });
});
