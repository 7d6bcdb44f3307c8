import request from 'supertest';
import type { TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { RunningApi, startApi } from './helpers/processes';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

/** A JSON object with `count` unknown fields, as one string (faster than JSON.stringify of a huge object). */
const manyFields = (count: number, extra = '') =>
  `{${extra}${Array.from({ length: count }, (_, i) => `"f${i}":0`).join(',')}}`;

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
    const nested = JSON.stringify({
      email: 'a@b.test',
      password: 'x',
      list: Array.from({ length: 60 }, () => Array.from({ length: 190 }, (_, i) => i)),
    });
    expectProblem(
      await request(t.http).post('/api/v1/auth/login').set('content-type', 'application/json').send(nested),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const query = Array.from({ length: 300 }, (_, i) => `q${i}=1`).join('&');
    expectProblem(
      await request(t.http).get(`/api/v1/spends?${query}`).set(bearer(employee.accessToken)),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('lists at most 20 failed fields, and says how many failed', async () => {
    const response = await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(employee.accessToken))
      .set('content-type', 'application/json')
      .send(manyFields(150, '"amount":"1.00","currency":"USD","spend_date":"2026-08-13",'));
    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveLength(20);
    expect(response.body.detail).toBe('150 fields failed validation; the first 20 are listed');
  });

  it('keeps the default JSON limit at 100 KB, and 1 MB for policies and identity events only', async () => {
    const padding = 'x'.repeat(150 * 1024);
    expectProblem(
      await request(t.http).post('/api/v1/auth/login').send({ email: 'a@b.test', password: padding }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectProblem(
      await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(employee.accessToken))
        .send({ amount: '1.00', currency: 'USD', spend_date: '2026-08-13', description: padding }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // A large policy body reaches validation (and the role check) instead of the size limit.
    const policy = await request(t.http)
      .post('/api/v1/policies')
      .set(bearer(employee.accessToken))
      .send({ name: 'Big', rules: [{ condition: { merchant_eq: padding }, action: { type: 'flag', flag: 'big' } }] });
    expectProblem(policy, 403, 'INSUFFICIENT_PERMISSIONS');
  });
});

describe('Security: what reaches caches, logs and the audit log', () => {
  let t: TestApp;

  beforeAll(async () => {
    // One proxy in front (a load balancer): only the address it appends is believed.
    t = await createTestApp({ TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  it('records the address the trusted proxy saw, not one a client wrote into X-Forwarded-For', async () => {
    const org = await t.given.organization();
    for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      await request(t.http)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `${spoofed}, 198.51.100.7`)
        .send({ email: org.admin.email, password: 'not-the-password' })
        .expect(401);
    }
    const failed = (
      await request(t.http)
        .get('/api/v1/audit-logs?action=auth.login_failed')
        .set(bearer(org.admin.accessToken))
        .expect(200)
    ).body.items;
    expect(failed.map((entry: { ip: string }) => entry.ip)).toEqual(['198.51.100.7', '198.51.100.7', '198.51.100.7']);
  });

  it('tells caches to keep no API answer, public or authenticated', async () => {
    const org = await t.given.organization();
    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: org.admin.email, password: org.admin.password })
      .expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const me = await request(t.http).get('/api/v1/users/me').set(bearer(org.admin.accessToken)).expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expectProblem(await request(t.http).get('/api/v1/spends'), 401, 'AUTHENTICATION_REQUIRED');
  });
});

describe('Security: credentials a client puts in a URL stay out of the logs', () => {
  let t: TestApp;
  let api: RunningApi;

  beforeAll(async () => {
    t = await createTestApp();
    api = await startApi({
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      REDIS_URL: undefined,
    });
  });
  afterAll(async () => {
    await api?.stop();
    await t.close();
  });

  it('logs the request without the values of token-like query parameters', async () => {
    await request(api.url)
      .get('/api/v1/users/me?access_token=leaked-token-123&api_key=leaked-key-456&q=visible-789')
      .expect(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = api.output();
    expect(output).toContain('visible-789');
    expect(output).toContain('access_token=[redacted]');
    expect(output).not.toMatch(/leaked-token-123|leaked-key-456/);
  });
});
