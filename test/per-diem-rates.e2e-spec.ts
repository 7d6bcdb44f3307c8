import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Per diem rate tables (issue 17): admins write them and end-date them, every member reads them. */
describe('Per diem rates', () => {
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

  const germany = {
    country: 'DE',
    currency: 'EUR',
    full_day_minor: 2800,
    partial_day_minor: 1400,
    meal_deductions: { breakfast_percent: 20, lunch_percent: 40, dinner_percent: 40 },
  };
  const create = (org: TestOrganization, body: Record<string, unknown>) =>
    t.as(org.admin).post('/organization/per-diem-rates').send(body);
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((r) => r.id);
  const auditOf = async (organizationId: string, entityId: string): Promise<Array<{ action: string }>> =>
    t.dataSource.query(`SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`, [
      organizationId,
      entityId,
    ]);

  it('lets an admin create country and city rates, every member read them, and audits each change', async () => {
    const country = await create(acme, { ...germany, country: 'de', valid_from: '2026-01-01' }).expect(201);
    expect(country.body).toEqual({
      id: expect.any(String),
      ...germany,
      city: null,
      valid_from: '2026-01-01',
      valid_to: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    // A city is its own key: the same days as the country's rate are fine.
    const berlin = await create(acme, {
      ...germany,
      city: ' Berlin ',
      full_day_minor: 4000,
      partial_day_minor: 2000,
      valid_from: '2026-01-01',
    }).expect(201);
    expect(berlin.body).toMatchObject({ city: 'Berlin', full_day_minor: 4000 });
    // Deductions default to 0.
    const france = await create(acme, {
      country: 'FR',
      currency: 'EUR',
      full_day_minor: 3000,
      partial_day_minor: 1500,
      valid_from: '2026-01-01',
      valid_to: '2026-12-31',
    }).expect(201);
    expect(france.body.meal_deductions).toEqual({ breakfast_percent: 0, lunch_percent: 0, dinner_percent: 0 });

    const listed = await t.as(employee).get('/organization/per-diem-rates').expect(200);
    expect(ids(listed.body)).toEqual([country.body.id, berlin.body.id, france.body.id]);
    expect(ids((await t.as(finance).get('/organization/per-diem-rates?country=fr').expect(200)).body)).toEqual([
      france.body.id,
    ]);
    expect(ids((await t.as(employee).get('/organization/per-diem-rates?on=2027-01-01').expect(200)).body)).toEqual([
      country.body.id,
      berlin.body.id,
    ]);
    expect((await t.as(employee).get(`/organization/per-diem-rates/${berlin.body.id}`).expect(200)).body).toEqual(
      berlin.body,
    );
    expect(await auditOf(acme.id, country.body.id)).toEqual([{ action: 'per_diem_rate.created' }]);
  });

  it('refuses a range that meets another rate of the same country and city with 409', async () => {
    await create(globex, { ...germany, city: 'Hamburg', valid_from: '2026-03-01', valid_to: '2026-03-31' }).expect(201);
    for (const range of [
      { valid_from: '2026-03-31' },
      { valid_from: '2026-02-01', valid_to: '2026-03-01' },
      { valid_from: '2026-03-10', valid_to: '2026-03-12' },
      { valid_from: '2026-01-01' },
    ]) {
      const clash = await create(globex, { ...germany, city: 'HAMBURG', ...range });
      expectProblem(clash, 409, 'PER_DIEM_RATE_OVERLAP');
      expect(clash.body.detail).toMatch(/DE\/Hamburg .* 2026-03-01 to 2026-03-31/);
    }
    // The country's rate and another city's are other keys.
    await create(globex, { ...germany, valid_from: '2026-03-01' }).expect(201);
    await create(globex, { ...germany, city: 'Bremen', valid_from: '2026-03-01' }).expect(201);
    await create(globex, { ...germany, city: 'Hamburg', valid_from: '2026-04-01' }).expect(201);
  });

  it('lets exactly one of two concurrent overlapping creates through, and the table refuses the other too', async () => {
    const body = { ...germany, country: 'AT', valid_from: '2026-01-01' };
    const answers = await Promise.all([create(globex, body), create(globex, { ...body, valid_from: '2026-02-01' })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expectProblem(
      answers.find((a) => a.status === 409)!,
      409,
      'PER_DIEM_RATE_OVERLAP',
    );

    // Whatever writes without the service's lock, the exclusion constraint holds.
    await expect(
      t.dataSource.query(
        `INSERT INTO per_diem_rates (organization_id, country, currency, full_day_minor, partial_day_minor, valid_from)
         VALUES ($1, 'AT', 'EUR', 100, 50, '2030-01-01')`,
        [globex.id],
      ),
    ).rejects.toMatchObject({ driverError: { code: '23P01', constraint: 'per_diem_rates_no_overlap' } });
  });

  it('end-dates a rate with PATCH, and nothing else about it changes', async () => {
    const open = await create(acme, { ...germany, country: 'NL', valid_from: '2026-01-01' }).expect(201);
    const ended = await t
      .as(acme.admin)
      .patch(`/organization/per-diem-rates/${open.body.id}`, { valid_to: '2026-06-30' })
      .expect(200);
    expect(ended.body).toEqual({ ...open.body, valid_to: '2026-06-30', updated_at: expect.any(String) });
    const next = await create(acme, { ...germany, country: 'NL', full_day_minor: 3200, valid_from: '2026-07-01' });
    expect(next.status).toBe(201);
    expect(await auditOf(acme.id, open.body.id)).toEqual([
      { action: 'per_diem_rate.created' },
      { action: 'per_diem_rate.end_dated' },
    ]);

    // Only valid_to: an amount, a city or a reopening is refused.
    for (const body of [{ full_day_minor: 1 }, { valid_to: '2026-05-31', city: 'Amsterdam' }, { valid_to: null }, {}]) {
      expectProblem(
        await t.as(acme.admin).patch(`/organization/per-diem-rates/${open.body.id}`, body),
        422,
        'VALIDATION_FAILED',
      );
    }
    const early = await t
      .as(acme.admin)
      .patch(`/organization/per-diem-rates/${open.body.id}`, { valid_to: '2025-12-31' });
    expectProblem(early, 422, 'VALIDATION_FAILED');
    expect(early.body.errors).toEqual([{ field: 'valid_to', message: 'must not be before valid_from' }]);
    // A later end would meet the next rate.
    expectProblem(
      await t.as(acme.admin).patch(`/organization/per-diem-rates/${open.body.id}`, { valid_to: '2026-07-01' }),
      409,
      'PER_DIEM_RATE_OVERLAP',
    );
    // Shortening is fine, and so is end-dating the open one.
    await t
      .as(acme.admin)
      .patch(`/organization/per-diem-rates/${open.body.id}`, { valid_to: '2026-05-31' })
      .expect(200);
    await t
      .as(acme.admin)
      .patch(`/organization/per-diem-rates/${next.body.id}`, { valid_to: '2026-12-31' })
      .expect(200);
  });

  it('answers at most 500 rates', async () => {
    const org = await t.given.organization('Many rates');
    await t.dataSource.query(
      `INSERT INTO per_diem_rates (organization_id, country, currency, full_day_minor, partial_day_minor, valid_from, valid_to)
       SELECT $1, 'BE', 'EUR', 2000, 1000, d, d FROM generate_series('2026-01-01'::date, '2027-06-01'::date, '1 day') AS d`,
      [org.id],
    );
    const listed = await t.as(org.admin).get('/organization/per-diem-rates').expect(200);
    expect(listed.body.items).toHaveLength(500);
    expect(listed.body.items[0].valid_from).toBe('2026-01-01');
  });

  it('answers 401 without a token', async () => {
    expectProblem(await request(t.http).get('/api/v1/organization/per-diem-rates'), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(
      await request(t.http)
        .post('/api/v1/organization/per-diem-rates')
        .send({ ...germany, valid_from: '2026-01-01' }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    expectProblem(
      await request(t.http).patch(`/api/v1/organization/per-diem-rates/${UNKNOWN_ID}`).send({ valid_to: '2026-01-01' }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });

  it.each(['employee', 'finance'] as const)('refuses a(n) %s writing rates with 403', async (role) => {
    const user = role === 'employee' ? employee : finance;
    expectProblem(
      await t
        .as(user)
        .post('/organization/per-diem-rates')
        .send({ ...germany, country: 'CH', valid_from: '2026-01-01' }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const [rate] = (await t.as(employee).get('/organization/per-diem-rates').expect(200)).body.items;
    expectProblem(
      await t.as(user).patch(`/organization/per-diem-rates/${rate.id}`, { valid_to: '2030-01-01' }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it("answers 404 for another organization's rate, and an unknown one", async () => {
    const [theirs] = (await t.as(globex.admin).get('/organization/per-diem-rates').expect(200)).body.items;
    expect(ids((await t.as(employee).get('/organization/per-diem-rates?country=AT').expect(200)).body)).toEqual([]);
    expectProblem(
      await t.as(employee).get(`/organization/per-diem-rates/${theirs.id}`),
      404,
      'PER_DIEM_RATE_NOT_FOUND',
    );
    expectProblem(
      await t.as(acme.admin).patch(`/organization/per-diem-rates/${theirs.id}`, { valid_to: '2030-01-01' }),
      404,
      'PER_DIEM_RATE_NOT_FOUND',
    );
    expect((await t.as(globex.admin).get(`/organization/per-diem-rates/${theirs.id}`).expect(200)).body.valid_to).toBe(
      theirs.valid_to,
    );
    expectProblem(
      await t.as(employee).get(`/organization/per-diem-rates/${UNKNOWN_ID}`),
      404,
      'PER_DIEM_RATE_NOT_FOUND',
    );
  });

  it('refuses bad input with 422 and field errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...germany, country: 'XX', valid_from: '2026-01-01' }, 'country'],
      [{ ...germany, country: 'DEU', valid_from: '2026-01-01' }, 'country'],
      [{ ...germany, country: 'PL', city: '', valid_from: '2026-01-01' }, 'city'],
      [{ ...germany, country: 'PL', full_day_minor: 0, valid_from: '2026-01-01' }, 'full_day_minor'],
      [{ ...germany, country: 'PL', partial_day_minor: 12.5, valid_from: '2026-01-01' }, 'partial_day_minor'],
      [{ ...germany, country: 'PL', partial_day_minor: 2801, valid_from: '2026-01-01' }, 'partial_day_minor'],
      [
        { ...germany, country: 'PL', meal_deductions: { lunch_percent: 101 }, valid_from: '2026-01-01' },
        'meal_deductions.lunch_percent',
      ],
      [{ ...germany, country: 'PL', meal_deductions: 20, valid_from: '2026-01-01' }, 'meal_deductions'],
      [{ ...germany, country: 'PL', partial_day_minor: 0, valid_from: '2026-01-01' }, 'partial_day_minor'],
      [{ ...germany, country: 'PL', currency: 'EURO', valid_from: '2026-01-01' }, 'currency'],
      [{ ...germany, country: 'PL', valid_from: '2026-02-30' }, 'valid_from'],
      [{ ...germany, country: 'PL', valid_from: '2026-05-01', valid_to: '2026-04-30' }, 'valid_to'],
      [{ ...germany, country: 'PL', valid_from: '2026-01-01', rate: 5 }, 'rate'],
    ];
    for (const [body, field] of cases) {
      const response = await create(acme, body);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expectProblem(await t.as(employee).get('/organization/per-diem-rates?on=yesterday'), 422, 'VALIDATION_FAILED');
    expectProblem(await t.as(employee).get('/organization/per-diem-rates?country=Germany'), 422, 'VALIDATION_FAILED');
  });
});
