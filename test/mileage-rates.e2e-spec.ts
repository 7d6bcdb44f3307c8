import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Mileage rate tables (issue 17): admins write them, every member reads them. */
describe('Mileage rates', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let employee: TestUser;
  let finance: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    employee = await t.given.user(acme, 'employee');
    finance = await t.given.user(acme, 'finance');
  });
  afterAll(() => t.close());

  const carKm = { vehicle_type: 'car', unit: 'km', rate_milli_minor: 30000, currency: 'EUR' };
  const auditOf = async (organizationId: string, entityId: string): Promise<Array<{ action: string }>> =>
    t.dataSource.query(`SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`, [
      organizationId,
      entityId,
    ]);

  it('lets an admin create consecutive rates, every member read them, and audits each change', async () => {
    const first = await t
      .as(acme.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, valid_from: '2026-01-01', valid_to: '2026-06-30' })
      .expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      ...carKm,
      valid_from: '2026-01-01',
      valid_to: '2026-06-30',
      created_at: expect.any(String),
    });
    const second = await t
      .as(acme.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, rate_milli_minor: 32500, valid_from: '2026-07-01' })
      .expect(201);
    expect(second.body).toMatchObject({ valid_from: '2026-07-01', valid_to: null, rate_milli_minor: 32500 });

    const listed = await t.as(employee).get('/organization/mileage-rates?vehicle_type=car&unit=km').expect(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([first.body.id, second.body.id]);
    const onBoundary = await t.as(employee).get('/organization/mileage-rates?on=2026-07-01').expect(200);
    expect(onBoundary.body.items.map((r: { id: string }) => r.id)).toEqual([second.body.id]);
    const lastDay = await t.as(finance).get('/organization/mileage-rates?on=2026-06-30').expect(200);
    expect(lastDay.body.items.map((r: { id: string }) => r.id)).toEqual([first.body.id]);

    expect((await t.as(employee).get(`/organization/mileage-rates/${first.body.id}`).expect(200)).body).toEqual(
      first.body,
    );
    expect(await auditOf(acme.id, first.body.id)).toEqual([{ action: 'mileage_rate.created' }]);

    // Another vehicle type or unit is another key: the same range is fine.
    await t
      .as(acme.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, unit: 'mi', rate_milli_minor: 65500, currency: 'USD', valid_from: '2026-01-01' })
      .expect(201);

    await t.as(acme.admin).delete(`/organization/mileage-rates/${second.body.id}`).expect(200);
    expect(await auditOf(acme.id, second.body.id)).toEqual([
      { action: 'mileage_rate.created' },
      { action: 'mileage_rate.deleted' },
    ]);
    expectProblem(
      await t.as(employee).get(`/organization/mileage-rates/${second.body.id}`),
      404,
      'MILEAGE_RATE_NOT_FOUND',
    );
  });

  it('refuses a range that meets another rate of the same vehicle and unit with 409', async () => {
    await t
      .as(globex.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, vehicle_type: 'motorcycle', valid_from: '2026-03-01', valid_to: '2026-03-31' })
      .expect(201);
    for (const range of [
      { valid_from: '2026-03-31' },
      { valid_from: '2026-02-01', valid_to: '2026-03-01' },
      { valid_from: '2026-03-10', valid_to: '2026-03-12' },
      { valid_from: '2026-01-01' },
    ]) {
      expectProblem(
        await t
          .as(globex.admin)
          .post('/organization/mileage-rates')
          .send({ ...carKm, vehicle_type: 'motorcycle', ...range }),
        409,
        'MILEAGE_RATE_OVERLAP',
      );
    }
    await t
      .as(globex.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, vehicle_type: 'motorcycle', valid_from: '2026-04-01' })
      .expect(201);
  });

  it('end-dates a rate with PATCH (valid_to only), refusing an end that meets the next rate', async () => {
    const open = await t
      .as(acme.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, vehicle_type: 'electric_car', valid_from: '2026-01-01' })
      .expect(201);
    const ended = await t
      .as(acme.admin)
      .patch(`/organization/mileage-rates/${open.body.id}`, { valid_to: '2026-03-31' })
      .expect(200);
    expect(ended.body).toEqual({ ...open.body, valid_to: '2026-03-31' });
    await t
      .as(acme.admin)
      .post('/organization/mileage-rates')
      .send({ ...carKm, vehicle_type: 'electric_car', rate_milli_minor: 25000, valid_from: '2026-04-01' })
      .expect(201);
    expectProblem(
      await t.as(acme.admin).patch(`/organization/mileage-rates/${open.body.id}`, { valid_to: '2026-04-01' }),
      409,
      'MILEAGE_RATE_OVERLAP',
    );
    for (const body of [{ rate_milli_minor: 1 }, { valid_to: '2025-12-31' }, { valid_to: null }]) {
      expectProblem(
        await t.as(acme.admin).patch(`/organization/mileage-rates/${open.body.id}`, body),
        422,
        'VALIDATION_FAILED',
      );
    }
    expectProblem(
      await t.as(employee).patch(`/organization/mileage-rates/${open.body.id}`, { valid_to: '2026-02-28' }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectProblem(
      await t.as(globex.admin).patch(`/organization/mileage-rates/${open.body.id}`, { valid_to: '2026-02-28' }),
      404,
      'MILEAGE_RATE_NOT_FOUND',
    );
    expect(await auditOf(acme.id, open.body.id)).toEqual([
      { action: 'mileage_rate.created' },
      { action: 'mileage_rate.end_dated' },
    ]);
  });

  it('answers 401 without a token', async () => {
    expectProblem(await request(t.http).get('/api/v1/organization/mileage-rates'), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(
      await request(t.http)
        .post('/api/v1/organization/mileage-rates')
        .send({ ...carKm, valid_from: '2026-01-01' }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });

  it.each(['employee', 'finance'] as const)('refuses a(n) %s writing rates with 403', async (role) => {
    const user = role === 'employee' ? employee : finance;
    expectProblem(
      await t
        .as(user)
        .post('/organization/mileage-rates')
        .send({ ...carKm, vehicle_type: 'bicycle', valid_from: '2026-01-01' }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const [rate] = (await t.as(employee).get('/organization/mileage-rates').expect(200)).body.items;
    expectProblem(await t.as(user).delete(`/organization/mileage-rates/${rate.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it("answers 404 for another organization's rate, and an unknown one", async () => {
    const [theirs] = (await t.as(globex.admin).get('/organization/mileage-rates').expect(200)).body.items;
    expectProblem(await t.as(employee).get(`/organization/mileage-rates/${theirs.id}`), 404, 'MILEAGE_RATE_NOT_FOUND');
    expectProblem(
      await t.as(acme.admin).delete(`/organization/mileage-rates/${theirs.id}`),
      404,
      'MILEAGE_RATE_NOT_FOUND',
    );
    await t.as(globex.admin).get(`/organization/mileage-rates/${theirs.id}`).expect(200);
    expectProblem(await t.as(employee).get(`/organization/mileage-rates/${UNKNOWN_ID}`), 404, 'MILEAGE_RATE_NOT_FOUND');
  });

  it('refuses bad input with 422 and field errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...carKm, vehicle_type: 'truck', valid_from: '2026-01-01' }, 'vehicle_type'],
      [{ ...carKm, unit: 'furlong', valid_from: '2026-01-01' }, 'unit'],
      [{ ...carKm, rate_milli_minor: 0, valid_from: '2026-01-01' }, 'rate_milli_minor'],
      [{ ...carKm, rate_milli_minor: 1.5, valid_from: '2026-01-01' }, 'rate_milli_minor'],
      [{ ...carKm, currency: 'EURO', valid_from: '2026-01-01' }, 'currency'],
      [{ ...carKm, valid_from: '2026-02-30' }, 'valid_from'],
      [{ ...carKm, vehicle_type: 'electric_car', valid_from: '2026-05-01', valid_to: '2026-04-30' }, 'valid_to'],
    ];
    for (const [body, field] of cases) {
      const response = await t.as(acme.admin).post('/organization/mileage-rates').send(body);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expectProblem(await t.as(employee).get('/organization/mileage-rates?on=yesterday'), 422, 'VALIDATION_FAILED');
  });
});
