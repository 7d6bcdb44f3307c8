import request from 'supertest';
import type { TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/** A JSON object with `count` unknown fields, as one string (faster than JSON.stringify of a huge object). */
const manyFields = (count: number, extra = '') => `{${extra}${Array.from({ length: count }, (_, i) => `"f${i}":0`).join(',')}}`;

/** CPU seconds this process spends while `work` runs (the in-process app included). */
async function cpuSecondsOf(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/**
 * Attacks on the request pipeline itself, before any handler: bodies built to make the
 * validator work for seconds, and answers built to be megabytes long.
 */
describe('Security: input an attacker sends before authenticating', () => {
  let t: TestApp;
  let employee: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await t.given.organization();
    employee = await t.given.user(org, 'employee');
  });
  afterAll(() => t.close());

  it('refuses 60,000 unknown fields in 650 KB at once, without validating them, answering in well under a second of CPU', async () => {
    const body = manyFields(60_000, '"email":"a@b.test","password":"x",');
    expect(body.length).toBeGreaterThan(600_000);
    let response!: request.Response;
    const cpu = await cpuSecondsOf(async () => {
      response = await request(t.http).post('/api/v1/auth/login').set('content-type', 'application/json').send(body);
    });
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(JSON.stringify(response.body).length).toBeLessThan(2_000);
    // The same body took 8 s of CPU before; the bound is loose on purpose.
    expect(cpu).toBeLessThan(1);
  });

  it('refuses more fields than any object of the API has, within the size limit', async () => {
    const body = manyFields(5_000, '"email":"a@b.test","password":"x",');
    expect(body.length).toBeLessThan(100 * 1024);
    let response!: request.Response;
    const cpu = await cpuSecondsOf(async () => {
      response = await request(t.http).post('/api/v1/auth/login').set('content-type', 'application/json').send(body);
    });
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(response.body.detail).toContain('more than 200 fields');
    expect(cpu).toBeLessThan(1);
  });

  it('refuses too many fields and items across levels, and in the query string', async () => {
    const nested = JSON.stringify({ email: 'a@b.test', password: 'x', list: Array.from({ length: 60 }, () => Array.from({ length: 190 }, (_, i) => i)) });
    expectProblem(await request(t.http).post('/api/v1/auth/login').set('content-type', 'application/json').send(nested), 413, 'PAYLOAD_TOO_LARGE');
    const query = Array.from({ length: 300 }, (_, i) => `q${i}=1`).join('&');
    expectProblem(await request(t.http).get(`/api/v1/spends?${query}`).set(bearer(employee.accessToken)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('lists at most 20 failed fields, and says how many failed', async () => {
    const response = await request(t.http).post('/api/v1/spends').set(bearer(employee.accessToken)).set('content-type', 'application/json')
      .send(manyFields(150, '"amount":"1.00","currency":"USD","spend_date":"2026-08-13",'));
    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveLength(20);
    expect(response.body.detail).toBe('150 fields failed validation; the first 20 are listed');
  });

  it('keeps the default JSON limit at 100 KB, and 1 MB for policies and identity events only', async () => {
    const padding = 'x'.repeat(150 * 1024);
    expectProblem(await request(t.http).post('/api/v1/auth/login').send({ email: 'a@b.test', password: padding }), 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(await request(t.http).post('/api/v1/spends').set(bearer(employee.accessToken)).send({ amount: '1.00', currency: 'USD', spend_date: '2026-08-13', description: padding }), 413, 'PAYLOAD_TOO_LARGE');
    // A large policy body reaches validation (and the role check) instead of the size limit.
    const policy = await request(t.http).post('/api/v1/policies').set(bearer(employee.accessToken)).send({ name: 'Big', rules: [{ condition: { merchant_eq: padding }, action: { type: 'flag', flag: 'big' } }] });
    expectProblem(policy, 403, 'INSUFFICIENT_PERMISSIONS');
  });
});
