import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface Day {
  date: string;
  day_type: string;
  rate_id: string;
  rate_city: string | null;
  base_minor: number;
  meals_provided: string[];
  deduction_minor: number;
  amount_minor: number;
}

/**
 * Per diem spends (issue 17): priced day by day from the rates in force over the trip (travel
 * days, full days, meals provided), never typed by hand, need no receipt, and `per_diem_days`
 * feeds policies.
 */
describe('Per diem spends', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let manager: TestUser;
  let employee: TestUser;
  let finance: TestUser;
  const rateIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    manager = await t.given.user(acme, 'manager');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    finance = await t.given.user(acme, 'finance');
    const rate = async (name: string, body: Record<string, unknown>) => {
      const created = await t.as(acme.admin).post('/organization/per-diem-rates').send(body).expect(201);
      rateIds[name] = created.body.id;
    };
    const meals = { meal_deductions: { breakfast_percent: 20, lunch_percent: 40, dinner_percent: 40 } };
    await rate('de-q1', {
      country: 'DE',
      currency: 'USD',
      full_day_minor: 2800,
      partial_day_minor: 1400,
      ...meals,
      valid_from: '2026-01-01',
      valid_to: '2026-03-31',
    });
    await rate('de-q2', {
      country: 'DE',
      currency: 'USD',
      full_day_minor: 3200,
      partial_day_minor: 1600,
      ...meals,
      valid_from: '2026-04-01',
    });
    await rate('berlin', {
      country: 'DE',
      city: 'Berlin',
      currency: 'USD',
      full_day_minor: 4000,
      partial_day_minor: 2000,
      ...meals,
      valid_from: '2026-03-01',
      valid_to: '2026-09-30',
    });
    await rate('fr-eur', {
      country: 'FR',
      currency: 'EUR',
      full_day_minor: 3000,
      partial_day_minor: 1500,
      valid_from: '2026-01-01',
      valid_to: '2026-05-31',
    });
    await rate('fr-usd', {
      country: 'FR',
      currency: 'USD',
      full_day_minor: 3300,
      partial_day_minor: 1650,
      valid_from: '2026-06-01',
    });
    await t.given.rate(acme.admin, 'EUR', '1.10', '2026-05-20');
    await t
      .as(acme.admin)
      .post('/policies')
      .send({
        name: 'Receipts and long trips',
        rules: [
          { condition: { amount_gt: 0 }, action: { type: 'require_receipt' } },
          { condition: { per_diem_days_gt: 5 }, action: { type: 'require_approval', approver: 'manager' } },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());
  // A day is paid once per person (PER_DIEM_TRIP_OVERLAP): each test files its trips as a new employee.
  beforeEach(async () => {
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
  });

  const trip = (per_diem: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}, who = employee) =>
    t
      .as(who)
      .post('/spends')
      .send({ source: 'per_diem', per_diem, merchant: 'Customer workshop', ...extra });
  const amounts = (days: Day[]) =>
    days.map((d) => [d.date, d.day_type, d.base_minor, d.deduction_minor, d.amount_minor]);

  it('prices travel days and full days from the country rate, needs no receipt, and shows the computation', async () => {
    const response = await trip({ country: 'DE', city: 'Munich', start_date: '2026-03-10', end_date: '2026-03-12' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      source: 'per_diem',
      spend_date: '2026-03-12',
      amount: '56.00',
      currency: 'USD',
      base_amount: '56.00',
      status: 'approved',
      policy_evaluation: { awaiting_receipt: false, decision: 'approved' },
      receipts: [],
      computation: {
        kind: 'per_diem',
        country: 'DE',
        city: 'Munich',
        start_date: '2026-03-10',
        end_date: '2026-03-12',
        day_count: 3,
        full_days: 1,
        partial_days: 2,
        currency: 'USD',
        deduction_minor: '0',
        amount_minor: '5600',
      },
    });
    expect(response.body.computation.days).toEqual([
      {
        date: '2026-03-10',
        day_type: 'partial',
        rate_id: rateIds['de-q1'],
        rate_city: null,
        base_minor: 1400,
        meals_provided: [],
        deduction_minor: 0,
        amount_minor: 1400,
      },
      expect.objectContaining({ date: '2026-03-11', day_type: 'full', base_minor: 2800, amount_minor: 2800 }),
      expect.objectContaining({ date: '2026-03-12', day_type: 'partial', base_minor: 1400, amount_minor: 1400 }),
    ]);
    expect(response.body.policy_evaluation.flags).not.toContain('missing_receipt');
    const read = await t.as(employee).get(`/spends/${response.body.id}`).expect(200);
    expect(read.body.computation).toEqual(response.body.computation);
  });

  it("prefers the city's rate over the country's, whatever the city's case, and the country's outside its range", async () => {
    const berlin = await trip({ country: 'de', city: 'berlin', start_date: '2026-03-10', end_date: '2026-03-11' });
    expect(berlin.status).toBe(201);
    expect(berlin.body).toMatchObject({ amount: '40.00', computation: { country: 'DE', city: 'berlin' } });
    expect(berlin.body.computation.days.map((d: Day) => [d.rate_id, d.rate_city])).toEqual([
      [rateIds.berlin, 'Berlin'],
      [rateIds.berlin, 'Berlin'],
    ]);
    // Berlin's rate starts on 2026-03-01: the day before is priced at the country's.
    const straddling = await trip({ country: 'DE', city: 'Berlin', start_date: '2026-02-28', end_date: '2026-03-01' });
    expect(straddling.body.computation.days.map((d: Day) => [d.rate_id, d.amount_minor])).toEqual([
      [rateIds['de-q1'], 1400],
      [rateIds.berlin, 2000],
    ]);
    expect(straddling.body.amount).toBe('34.00');
  });

  it('takes the meals provided off each day as a percent of the full-day rate, never below 0', async () => {
    const response = await trip({
      country: 'DE',
      start_date: '2026-03-02',
      end_date: '2026-03-05',
      meals_provided: [
        { date: '2026-03-03', meals: ['breakfast'] },
        { date: '2026-03-04', meals: ['dinner', 'lunch'] },
        { date: '2026-03-05', meals: ['breakfast', 'lunch', 'dinner'] },
      ],
    }).expect(201);
    // 1400 | 2800 − 20% of 2800 | 2800 − 80% of 2800 | 1400 − 100% of 2800, held at 0
    expect(amounts(response.body.computation.days)).toEqual([
      ['2026-03-02', 'partial', 1400, 0, 1400],
      ['2026-03-03', 'full', 2800, 560, 2240],
      ['2026-03-04', 'full', 2800, 2240, 560],
      ['2026-03-05', 'partial', 1400, 1400, 0],
    ]);
    expect(response.body.computation.days[2].meals_provided).toEqual(['lunch', 'dinner']);
    expect(response.body).toMatchObject({
      amount: '42.00',
      computation: { deduction_minor: '4200', amount_minor: '4200' },
    });

    const oneDay = await trip({
      country: 'DE',
      start_date: '2026-03-20',
      end_date: '2026-03-20',
      meals_provided: [{ date: '2026-03-20', meals: ['breakfast'] }],
    }).expect(201);
    expect(amounts(oneDay.body.computation.days)).toEqual([['2026-03-20', 'partial', 1400, 560, 840]]);
    expect(oneDay.body.computation).toMatchObject({ day_count: 1, full_days: 0, partial_days: 1 });

    const nothingLeft = await trip({
      country: 'DE',
      start_date: '2026-03-21',
      end_date: '2026-03-21',
      meals_provided: [{ date: '2026-03-21', meals: ['lunch', 'dinner'] }],
    });
    expectProblem(nothingLeft, 422, 'INVALID_AMOUNT');
  });

  it('prices each day at the rate in force that day when the rate changes mid-trip', async () => {
    const response = await trip({ country: 'DE', start_date: '2026-03-30', end_date: '2026-04-02' }).expect(201);
    expect(response.body.computation.days.map((d: Day) => [d.date, d.rate_id, d.amount_minor])).toEqual([
      ['2026-03-30', rateIds['de-q1'], 1400],
      ['2026-03-31', rateIds['de-q1'], 2800],
      ['2026-04-01', rateIds['de-q2'], 3200],
      ['2026-04-02', rateIds['de-q2'], 1600],
    ]);
    expect(response.body.amount).toBe('90.00');
  });

  it("converts a rate's currency into the base currency at the rate of the trip's last day", async () => {
    const response = await trip({ country: 'FR', start_date: '2026-05-19', end_date: '2026-05-20' }).expect(201);
    expect(response.body).toMatchObject({
      amount: '30.00',
      currency: 'EUR',
      base_amount: '33.00',
      base_currency: 'USD',
      spend_date: '2026-05-20',
    });
    const mixed = await trip({ country: 'FR', start_date: '2026-05-31', end_date: '2026-06-01' });
    expectProblem(mixed, 422, 'PER_DIEM_CURRENCY_MIXED');
  });

  it('sends a trip of more than 5 days to the manager through per_diem_days, in a simulation too', async () => {
    const long = await trip({ country: 'DE', start_date: '2026-04-06', end_date: '2026-04-11' }).expect(201);
    expect(long.body).toMatchObject({ status: 'pending_approval', computation: { day_count: 6 } });
    expect(long.body.policy_evaluation.matched_rules.map((r: { reason: string }) => r.reason)).toContain(
      'per_diem_days 6 > 5',
    );
    expect(long.body.approvals).toEqual([
      expect.objectContaining({ requirement: 'manager', approver: { user_id: manager.id, role: null } }),
    ]);
    const five = await trip({ country: 'DE', start_date: '2026-04-13', end_date: '2026-04-17' }).expect(201);
    expect(five.body.status).toBe('approved');

    const simulated = await t
      .as(finance)
      .post('/policies/simulate', {
        source: 'per_diem',
        user_id: employee.id,
        per_diem: { country: 'DE', start_date: '2026-04-06', end_date: '2026-04-11' },
      })
      .expect(200);
    expect(simulated.body).toMatchObject({
      decision: 'pending_approval',
      awaiting_receipt: false,
      base_amount: '160.00',
      base_currency: 'USD',
      approvers: [expect.objectContaining({ requirement: 'manager', user_id: manager.id })],
    });
    expectProblem(
      await t.as(finance).post('/policies/simulate', {
        source: 'per_diem',
        amount: '10.00',
        per_diem: { country: 'DE', start_date: '2026-04-06', end_date: '2026-04-07' },
      }),
      422,
      'AMOUNT_IS_COMPUTED',
    );
    expectProblem(
      await t.as(finance).post('/policies/simulate', {
        source: 'per_diem',
        per_diem: { country: 'IT', start_date: '2026-04-06', end_date: '2026-04-07' },
      }),
      422,
      'NO_PER_DIEM_RATE',
    );
  });

  it('simulates a typed spend as still needing its receipt, and a per diem one as not', async () => {
    const typed = await t
      .as(finance)
      .post('/policies/simulate', { amount: '20.00', currency: 'USD', spend_date: '2026-04-07', user_id: employee.id })
      .expect(200);
    expect(typed.body).toMatchObject({ decision: 'pending_approval', awaiting_receipt: true });
    const computed = await t
      .as(finance)
      .post('/policies/simulate', {
        source: 'per_diem',
        user_id: employee.id,
        per_diem: { country: 'DE', start_date: '2026-04-06', end_date: '2026-04-07' },
      })
      .expect(200);
    expect(computed.body).toMatchObject({ decision: 'approved', awaiting_receipt: false, base_amount: '32.00' });
  });

  it('prices a draft again on PATCH, and refuses an amount typed into it', async () => {
    const draft = await trip({ country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' }, { draft: true });
    expect(draft.body).toMatchObject({ status: 'draft', amount: '28.00' });
    const longer = await t
      .as(employee)
      .patch(`/spends/${draft.body.id}`, {
        per_diem: { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-12' },
      })
      .expect(200);
    expect(longer.body).toMatchObject({ amount: '56.00', spend_date: '2026-03-12', computation: { day_count: 3 } });
    const renamed = await t.as(employee).patch(`/spends/${draft.body.id}`, { merchant: 'Trade fair' }).expect(200);
    expect(renamed.body).toMatchObject({
      amount: '56.00',
      merchant: 'Trade fair',
      computation: longer.body.computation,
    });
    expectProblem(
      await t.as(employee).patch(`/spends/${draft.body.id}`, { amount: '99.00' }),
      422,
      'AMOUNT_IS_COMPUTED',
    );
    expectProblem(
      await t.as(employee).patch(`/spends/${draft.body.id}`, { spend_date: '2026-03-11' }),
      422,
      'VALIDATION_FAILED',
    );
    const manual = await t
      .as(employee)
      .patch(`/spends/${draft.body.id}`, {
        source: 'manual',
        amount: '12.00',
        currency: 'USD',
        spend_date: '2026-03-12',
      })
      .expect(200);
    expect(manual.body).toMatchObject({ source: 'manual', amount: '12.00', computation: null });
  });

  it('refuses an amount or currency typed by hand with 422 AMOUNT_IS_COMPUTED', async () => {
    const per_diem = { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' };
    for (const extra of [{ amount: '50.00', currency: 'USD' }, { amount: '50.00' }, { currency: 'USD' }]) {
      const response = await trip(per_diem, extra);
      expectProblem(response, 422, 'AMOUNT_IS_COMPUTED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(Object.keys(extra)[0]);
    }
  });

  it('refuses a trip with no rate in force on one of its days with 422 NO_PER_DIEM_RATE', async () => {
    const nowhere = await trip({ country: 'IT', start_date: '2026-03-10', end_date: '2026-03-11' });
    expectProblem(nowhere, 422, 'NO_PER_DIEM_RATE');
    expect(nowhere.body.detail).toMatch(/IT .*2026-03-10/);
    const tooEarly = await trip({ country: 'DE', city: 'Bonn', start_date: '2025-12-31', end_date: '2026-01-02' });
    expectProblem(tooEarly, 422, 'NO_PER_DIEM_RATE');
    expect(tooEarly.body.detail).toMatch(/DE\/Bonn or DE .*2025-12-31/);
  });

  it("does not see another organization's rates", async () => {
    const globex = await t.given.organization('Globex');
    const outsider = await t.given.user(globex, 'employee');
    expectProblem(
      await trip({ country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' }, {}, outsider),
      422,
      'NO_PER_DIEM_RATE',
    );
  });

  it('refuses a malformed or misplaced trip with 422 VALIDATION_FAILED', async () => {
    const cases: Array<[Record<string, unknown> | undefined, Record<string, unknown>, string]> = [
      [undefined, {}, 'per_diem'],
      [{ country: 'XX', start_date: '2026-03-10', end_date: '2026-03-11' }, {}, 'per_diem.country'],
      [{ country: 'DE', start_date: '2026-03-12', end_date: '2026-03-11' }, {}, 'per_diem.end_date'],
      [{ country: 'DE', start_date: '2026-01-01', end_date: '2026-04-30' }, {}, 'per_diem.end_date'],
      [{ country: 'DE', start_date: '2026-03-10', end_date: '2099-03-11' }, {}, 'per_diem.end_date'],
      [
        {
          country: 'DE',
          start_date: '2026-03-10',
          end_date: '2026-03-11',
          meals_provided: [{ date: '2026-03-12', meals: ['lunch'] }],
        },
        {},
        'per_diem.meals_provided[0].date',
      ],
      [
        {
          country: 'DE',
          start_date: '2026-03-10',
          end_date: '2026-03-11',
          meals_provided: [
            { date: '2026-03-10', meals: ['lunch'] },
            { date: '2026-03-10', meals: ['dinner'] },
          ],
        },
        {},
        'per_diem.meals_provided[1].date',
      ],
      [
        {
          country: 'DE',
          start_date: '2026-03-10',
          end_date: '2026-03-11',
          meals_provided: [{ date: '2026-03-10', meals: ['brunch'] }],
        },
        {},
        'per_diem.meals_provided[0].meals',
      ],
      [{ country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' }, { spend_date: '2026-03-10' }, 'spend_date'],
      [
        { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' },
        { source: 'mileage', spend_date: '2026-03-11', mileage: { vehicle_type: 'car', distance: 10, unit: 'km' } },
        'per_diem',
      ],
      [
        { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' },
        { source: 'manual', amount: '5.00', currency: 'USD', spend_date: '2026-03-11' },
        'per_diem',
      ],
    ];
    for (const [perDiem, extra, field] of cases) {
      const response = await trip(perDiem, extra);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // The trip's last day may be sent as spend_date.
    await trip(
      { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' },
      { spend_date: '2026-03-11' },
    ).expect(201);
  });

  it('keeps its computation when a rate it was priced from is end-dated later', async () => {
    const priced = await trip({ country: 'DE', city: 'Berlin', start_date: '2026-09-28', end_date: '2026-09-29' });
    expect(priced.body.amount).toBe('40.00');
    await t
      .as(acme.admin)
      .patch(`/organization/per-diem-rates/${rateIds.berlin}`, { valid_to: '2026-09-15' })
      .expect(200);
    const read = await t.as(employee).get(`/spends/${priced.body.id}`).expect(200);
    expect(read.body).toMatchObject({ amount: '40.00', computation: priced.body.computation });
    // A new trip over the same days (a colleague's: a day is paid once per person) is priced at the country's rate now.
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    const after = await trip({ country: 'DE', city: 'Berlin', start_date: '2026-09-28', end_date: '2026-09-29' });
    expect(after.body).toMatchObject({ amount: '32.00' });
  });

  it('pays a day once per person: an overlapping trip is 409 PER_DIEM_TRIP_OVERLAP, an adjacent one or a colleague’s is not', async () => {
    const first = await trip(
      { country: 'DE', start_date: '2026-04-20', end_date: '2026-04-24' },
      { draft: true },
    ).expect(201);
    const overlap = await trip({ country: 'DE', start_date: '2026-04-24', end_date: '2026-04-27' });
    expectProblem(overlap, 409, 'PER_DIEM_TRIP_OVERLAP');
    expect(overlap.body.detail).toBe(
      `Per diem spend ${first.body.id} already covers 2026-04-20 to 2026-04-24; a day is paid once: change the dates, or cancel the other spend`,
    );
    await trip({ country: 'DE', start_date: '2026-04-25', end_date: '2026-04-27' }).expect(201);
    // Two overlapping trips filed at once: one is priced, the other refused.
    const racing = await Promise.all(
      ['2026-05-04', '2026-05-05'].map((start) => trip({ country: 'DE', start_date: start, end_date: '2026-05-06' })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    // A colleague's trip over the same days is their own.
    const colleague = await t.given.user(acme, 'employee', { manager_id: manager.id });
    await t
      .as(colleague)
      .post('/spends', {
        source: 'per_diem',
        per_diem: { country: 'DE', start_date: '2026-04-21', end_date: '2026-04-22' },
      })
      .expect(201);
    // Cancelled, the first trip's days are free again.
    await t.as(employee).post(`/spends/${first.body.id}/cancel`).expect(200);
    await trip({ country: 'DE', start_date: '2026-04-22', end_date: '2026-04-23' }).expect(201);
  });

  it('answers 401 without a token', async () => {
    expectProblem(
      await request(t.http)
        .post('/api/v1/spends')
        .send({ source: 'per_diem', per_diem: { country: 'DE', start_date: '2026-03-10', end_date: '2026-03-11' } }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });
});
