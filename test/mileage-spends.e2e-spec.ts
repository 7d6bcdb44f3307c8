import { MileageSpends1733875200201 } from '../migrations/1733875200201-MileageSpends';
import { PerDiemSpends1733875200501 } from '../migrations/1733875200501-PerDiemSpends';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Mileage spends (issue 17): the amount is computed from the rate in force on spend_date, is
 * never typed by hand, keeps its breakdown, needs no receipt, and `distance` (km) feeds policies.
 */
describe('Mileage spends', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let manager: TestUser;
  let employee: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    manager = await t.given.user(acme, 'manager');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    const rate = (body: Record<string, unknown>) =>
      t.as(acme.admin).post('/organization/mileage-rates').send(body).expect(201);
    await rate({
      vehicle_type: 'car',
      unit: 'km',
      rate_milli_minor: 30000,
      currency: 'USD',
      valid_from: '2026-01-01',
      valid_to: '2026-06-30',
    });
    await rate({ vehicle_type: 'car', unit: 'km', rate_milli_minor: 35000, currency: 'USD', valid_from: '2026-07-01' });
    await rate({ vehicle_type: 'car', unit: 'mi', rate_milli_minor: 65500, currency: 'USD', valid_from: '2026-01-01' });
    await t
      .as(acme.admin)
      .post('/policies')
      .send({
        name: 'Receipts and long trips',
        rules: [
          { condition: { amount_gt: 0 }, action: { type: 'require_receipt' } },
          { condition: { distance_gt: 500 }, action: { type: 'require_approval', approver: 'manager' } },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  const trip = (spend_date: string, mileage: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    t
      .as(employee)
      .post('/spends')
      .send({ source: 'mileage', spend_date, mileage, merchant: 'Client visit', ...extra });

  it('prices a trip from the rate in force on spend_date, either side of a rate change', async () => {
    const before = await trip('2026-06-30', { vehicle_type: 'car', distance: 182.5, unit: 'km' });
    expect(before.status).toBe(201);
    expect(before.body).toMatchObject({
      source: 'mileage',
      amount: '54.75',
      currency: 'USD',
      base_amount: '54.75',
      computation: {
        kind: 'mileage',
        vehicle_type: 'car',
        distance: 182.5,
        unit: 'km',
        distance_km: 182.5,
        rate_milli_minor: 30000,
        rate_valid_from: '2026-01-01',
        currency: 'USD',
        amount_minor: '5475',
      },
    });
    const after = await trip('2026-07-01', { vehicle_type: 'car', distance: 182.5, unit: 'km' });
    expect(after.body).toMatchObject({ amount: '63.88', computation: { rate_milli_minor: 35000 } });
  });

  it('needs no receipt: a require_receipt policy does not hold it, and it is approved at once', async () => {
    const response = await trip('2026-07-02', { vehicle_type: 'car', distance: 10, unit: 'km' }).expect(201);
    expect(response.body.status).toBe('approved');
    expect(response.body.policy_evaluation).toMatchObject({ awaiting_receipt: false });
    expect(response.body.receipts).toEqual([]);
  });

  it('prices miles at the per-mile rate and tests distance in km: a long trip goes to the manager', async () => {
    const response = await trip('2026-07-03', { vehicle_type: 'car', distance: 320, unit: 'mi' }).expect(201);
    expect(response.body).toMatchObject({
      amount: '209.60',
      status: 'pending_approval',
      computation: { unit: 'mi', distance: 320, distance_km: 514.99 },
    });
    expect(response.body.approvals).toEqual([
      expect.objectContaining({ requirement: 'manager', approver: { user_id: manager.id, role: null } }),
    ]);
    const short = await trip('2026-07-03', { vehicle_type: 'car', distance: 300, unit: 'mi' }).expect(201);
    expect(short.body.status).toBe('approved');
  });

  it('recomputes on PATCH of a draft, and leaves manual spends without a computation', async () => {
    const draft = await trip('2026-06-15', { vehicle_type: 'car', distance: 100, unit: 'km' }, { draft: true });
    expect(draft.body).toMatchObject({ status: 'draft', amount: '30.00' });
    const moved = await t.as(employee).patch(`/spends/${draft.body.id}`, { spend_date: '2026-07-15' }).expect(200);
    expect(moved.body).toMatchObject({ amount: '35.00', computation: { rate_milli_minor: 35000, distance: 100 } });
    const longer = await t
      .as(employee)
      .patch(`/spends/${draft.body.id}`, { mileage: { vehicle_type: 'car', distance: 40, unit: 'km' } })
      .expect(200);
    expect(longer.body).toMatchObject({ amount: '14.00', computation: { distance: 40 } });
    expectProblem(
      await t.as(employee).patch(`/spends/${draft.body.id}`, { amount: '99.00' }),
      422,
      'AMOUNT_IS_COMPUTED',
    );

    const manual = await t
      .as(employee)
      .post('/spends')
      .send({ amount: '12.00', currency: 'USD', spend_date: '2026-07-01', draft: true })
      .expect(201);
    expect(manual.body).toMatchObject({ source: 'manual', computation: null });
  });

  it('refuses an amount (or currency) typed by hand with 422 AMOUNT_IS_COMPUTED', async () => {
    for (const extra of [{ amount: '50.00', currency: 'USD' }, { amount: '50.00' }, { currency: 'USD' }]) {
      const response = await trip('2026-07-01', { vehicle_type: 'car', distance: 10, unit: 'km' }, extra);
      expectProblem(response, 422, 'AMOUNT_IS_COMPUTED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(Object.keys(extra)[0]);
    }
  });

  it('refuses a missing rate, an unknown vehicle type and a missing or misplaced mileage with 422', async () => {
    const noRate = await trip('2026-07-01', { vehicle_type: 'bicycle', distance: 10, unit: 'km' });
    expectProblem(noRate, 422, 'NO_MILEAGE_RATE');
    expect(noRate.body.detail).toMatch(/bicycle.*km.*2026-07-01/);
    expectProblem(await trip('2025-12-31', { vehicle_type: 'car', distance: 10, unit: 'km' }), 422, 'NO_MILEAGE_RATE');

    for (const [mileage, field] of [
      [{ vehicle_type: 'truck', distance: 10, unit: 'km' }, 'mileage.vehicle_type'],
      [{ vehicle_type: 'car', distance: 0, unit: 'km' }, 'mileage.distance'],
      [{ vehicle_type: 'car', distance: 10, unit: 'league' }, 'mileage.unit'],
      [undefined, 'mileage'],
    ] as const) {
      const response = await trip('2026-07-01', mileage as Record<string, unknown>);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const misplaced = await t
      .as(employee)
      .post('/spends')
      .send({
        amount: '5.00',
        currency: 'USD',
        spend_date: '2026-07-01',
        mileage: { vehicle_type: 'car', distance: 1, unit: 'km' },
      });
    expectProblem(misplaced, 422, 'VALIDATION_FAILED');
  });

  it('keeps mileage spends when the migration is reverted: typed ones at their priced amount, not deleted', async () => {
    const spend = (await trip('2026-07-02', { vehicle_type: 'car', distance: 10, unit: 'km' }).expect(201)).body;
    const runner = t.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // Later migrations that widened what it added are reverted first, as `migrate --revert` would.
      await new PerDiemSpends1733875200501().down(runner);
      await new MileageSpends1733875200201().down(runner);
      const [row] = await runner.query(`SELECT source, amount_minor::text AS amount FROM spends WHERE id = $1`, [
        spend.id,
      ]);
      expect(row).toEqual({ source: 'manual', amount: '350' });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body.source).toBe('mileage');
  });
});
