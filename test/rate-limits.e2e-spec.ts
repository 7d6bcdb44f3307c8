import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';
import { dropDatabase } from './setup/suite-database';

/*
 * The general rate limit (src/common/rate-limit) with small limits, against the store the
 * deployment would use: Redis when REDIS_URL is set (and PostgreSQL forced with
 * RATE_LIMIT_STORE=postgres), PostgreSQL otherwise. Every test counts for callers of its own
 * (a user, an API key, an X-Forwarded-For address), so that they do not share counts.
 */
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_PER_MINUTE: '5',
  RATE_LIMIT_LOGIN_PER_MINUTE: '3',
  RATE_LIMIT_UPLOADS_PER_MINUTE: '2',
  // Addresses come from X-Forwarded-For when the client is a local proxy: each test has its own.
  TRUST_PROXY: 'loopback',
};
const STORES = process.env.REDIS_URL ? (['redis', 'postgres'] as const) : (['postgres'] as const);

describe('Rate limits', () => {
  let setup: TestApp;
  let org: TestOrganization;
  const users: TestUser[] = [];
  const keys: Array<{ id: string; key: string }> = [];

  beforeAll(async () => {
    // Users and keys are made with no limit, then two limited API processes start on the database.
    setup = await createTestApp();
    org = await setup.given.organization('Limits Co');
    for (let i = 0; i < 3 * STORES.length; i++) users.push(await setup.given.user(org, 'employee'));
    for (let i = 0; i < STORES.length; i++) {
      const created = await setup
        .as(org.admin)
        .post('/organization/api-keys', { name: `Limited ${i}`, scopes: ['spends:read'] })
        .expect(201);
      keys.push({ id: created.body.id, key: created.body.key });
    }
    await setup.close({ keepDatabase: true });
  });
  afterAll(() => dropDatabase(new URL(setup.databaseUrl).pathname.slice(1)));

  describe.each(STORES.map((store, index) => [store, index] as const))('counted in %s', (store, index) => {
    let a: TestApp;
    let b: TestApp;
    const [first, second, uploader] = [0, 1, 2].map((i) => () => users[index * 3 + i]);
    const address = (n: number) => `198.51.100.${index * 50 + n}`;

    beforeAll(async () => {
      a = await createTestApp({ ...LIMITS, RATE_LIMIT_STORE: store }, setup);
      b = await createTestApp({ ...LIMITS, RATE_LIMIT_STORE: store }, setup);
    });
    afterAll(async () => {
      await a.close({ keepDatabase: true });
      await b.close({ keepDatabase: true });
    });

    it('counts a user across two API processes, says what is left, then answers 429 RATE_LIMITED with Retry-After', async () => {
      const remaining: string[] = [];
      for (const [i, app] of [a, b, a, b, a].entries()) {
        const response = await app.as(first()).get('/spends');
        expect({ i, status: response.status }).toEqual({ i, status: 200 });
        expect(response.headers['ratelimit-limit']).toBe('5');
        const reset = Number(response.headers['ratelimit-reset']);
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        remaining.push(response.headers['ratelimit-remaining']);
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);

      const refused = await b.as(first()).get('/spends');
      expectProblem(refused, 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(refused.body.detail).toMatch(/^Too many requests; try again in \d+ seconds$/);

      // Another user of the same organization, from the same address, is not limited by it.
      const other = await a.as(second()).get('/spends').expect(200);
      expect(other.headers['ratelimit-remaining']).toBe('4');
    });

    it('counts an API key apart from the admin who made it', async () => {
      const key = keys[index];
      for (let i = 0; i < 5; i++) await a.as({ accessToken: key.key }).get('/spends').expect(200);
      expectProblem(await b.as({ accessToken: key.key }).get('/spends'), 429, 'RATE_LIMITED');
      // The key acts as its creator, but the creator's own token has its own count.
      const admin = await a.as(org.admin).get('/spends').expect(200);
      expect(Number(admin.headers['ratelimit-remaining'])).toBeGreaterThan(0);
    });

    it('counts anonymous requests per client address, with a stricter bucket for logins', async () => {
      const login = (app: TestApp, from: string, n: number) =>
        request(app.http)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', from)
          .send({ email: `nobody.${store}.${n}@example.test`, password: 'not the password at all' });
      for (let n = 0; n < 3; n++) {
        const response = await login(n % 2 ? b : a, address(1), n);
        expectProblem(response, 401, 'INVALID_CREDENTIALS');
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(response.headers['ratelimit-remaining']).toBe(String(2 - n));
      }
      const refused = await login(a, address(1), 3);
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.body.detail).toMatch(/^Too many login requests; try again in \d+ seconds$/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another address is not limited by the first one's logins.
      expectProblem(await login(b, address(2), 4), 401, 'INVALID_CREDENTIALS');
      // Express routes /API/V1/… to the same handler: it is counted the same, in the same bucket.
      const shouted = await request(a.http)
        .post('/API/V1/auth/login')
        .set('X-Forwarded-For', address(1))
        .send({ email: `nobody.${store}.5@example.test`, password: 'not the password at all' });
      expectProblem(shouted, 429, 'RATE_LIMITED');
    });

    it('counts refused credentials for the client address: guessing tokens or keys is limited too', async () => {
      const GUESSES = [
        'sk_live_0123456789abcdef_notTheSecretOfAnyKeyAtAll0123456789abcdefg',
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90IHRoZSBzaWduYXR1cmU',
      ];
      const guess = (app: TestApp, from: string, n = 0) =>
        request(app.http)
          .get('/api/v1/spends')
          .set('X-Forwarded-For', from)
          .set('Authorization', `Bearer ${GUESSES[n % 2]}`);
      for (let n = 0; n < 5; n++) {
        const response = await guess(n % 2 ? b : a, address(4), n);
        expect(response.status).toBe(401);
        expect(response.headers['ratelimit-remaining']).toBe(String(4 - n));
      }
      const refused = await guess(a, address(4));
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await guess(b, address(5))).status).toBe(401);
    });

    it('limits uploads more strictly than other routes, before the upload is read', async () => {
      const upload = () => a.as(uploader()).post('/receipts');
      for (let i = 0; i < 2; i++) {
        const response = await upload();
        expect(response.status).not.toBe(429);
        expect(response.headers['ratelimit-limit']).toBe('2');
      }
      const refused = await upload();
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.body.detail).toMatch(/^Too many uploads requests/);
      // The general bucket still has room: other routes answer.
      const list = await b.as(uploader()).get('/spends').expect(200);
      expect(list.headers['ratelimit-remaining']).toBe('1');
    });

    it('does not count health checks', async () => {
      for (let i = 0; i < 8; i++) {
        const response = await request(a.http).get('/health').set('X-Forwarded-For', address(3)).expect(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    });

    it(`keeps its counts in ${store}`, async () => {
      const [row] = await a.dataSource.query<Array<{ hits: number }>>(
        `SELECT hits FROM rate_limit_counters WHERE key = $1`,
        [`general:user:${first().id}`],
      );
      if (store === 'postgres') expect(row).toEqual({ hits: 6 });
      else expect(row).toBeUndefined();
    });
  });

  it('is off when RATE_LIMIT_ENABLED=false: no headers, no refusals', async () => {
    const off = await createTestApp({ ...LIMITS, RATE_LIMIT_ENABLED: 'false' }, setup);
    try {
      for (let i = 0; i < 7; i++) {
        const response = await off.as(users[0]).get('/spends').expect(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await off.close({ keepDatabase: true });
    }
  });

  it('lists RATE_LIMITED for the limited routes in the OpenAPI document', async () => {
    const docs = await createTestApp({}, setup);
    try {
      const document = (await request(docs.http).get('/docs-json').expect(200)).body;
      const upload = document.paths['/api/v1/receipts'].post.responses['429'];
      expect(Object.keys(upload.content['application/problem+json'].examples)).toContain('RATE_LIMITED');
    } finally {
      await docs.close({ keepDatabase: true });
    }
  });
});
