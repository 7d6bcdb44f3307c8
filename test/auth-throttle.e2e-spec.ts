import request from 'supertest';
import type { Response } from 'supertest';
import type { TestOrganization } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The login throttle under a burst: requests sent all at once must get no more password
 * checks than the limit, and a burst of password checks must be turned away with 503 and
 * Retry-After, never a 500.
 */
describe('Login throttle and password-check concurrency under bursts', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    // One Argon2 check at a time and one waiting, so that a burst overflows; four connections
    // so that the burst reaches the throttle side by side, as it would in production.
    t = await createTestApp({
      LOGIN_MAX_FAILURES: '5',
      LOGIN_FAILURE_WINDOW_SECONDS: '600',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '1',
      DATABASE_POOL_SIZE: '4',
    });
    org = await t.given.organization('Acme');
  });
  afterAll(() => t.close());
  // Every request here comes from 127.0.0.1: each test starts with that address's count at zero.
  beforeEach(() => t.dataSource.query(`DELETE FROM login_attempts WHERE kind = 'ip'`));

  const login = (email: string, password: string) =>
    request(t.http).post('/api/v1/auth/login').send({ email, password });
  const failedLogins = async (userId: string): Promise<number> =>
    (
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1 AND action = 'auth.login_failed'`,
        [userId],
      )
    )[0].n;
  const expectRefusal = (response: Response) => {
    expect([401, 429, 503]).toContain(response.status);
    if (response.status === 401) expectProblem(response, 401, 'INVALID_CREDENTIALS');
    if (response.status === 429) expectProblem(response, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    if (response.status === 503) expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
    if (response.status !== 401) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  };

  it('30 wrong passwords sent at once: at most 5 are checked, the rest are 429 (or 503), none is a 500', async () => {
    const victim = await t.given.user(org);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(victim.email, `guess-number-${i}-wrong`)),
    );
    for (const answer of answers) expectRefusal(answer);
    const checked = answers.filter((a) => a.status === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    // Every password that was checked and failed left one audit entry: no more than the limit.
    expect(await failedLogins(victim.id)).toBe(checked);
    // Answers of 503 (too many checks at once) gave their attempt back, so the burst may have
    // left some of the limit: wrong passwords tried one after the other get at most the rest.
    let total = checked;
    for (let i = 0; ; i++) {
      const next = await login(victim.email, `one-more-guess-${i}-wrong`);
      if (next.status === 429) break;
      expectProblem(next, 401, 'INVALID_CREDENTIALS');
      total += 1;
      expect(total).toBeLessThanOrEqual(5);
    }
    expect(await failedLogins(victim.id)).toBe(total);

    const locked = await login(victim.email, victim.password);
    expectProblem(locked, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(590);

    // Move the window into the past, as 600 seconds would: the right password works again.
    await t.dataSource.query(
      `UPDATE login_attempts SET window_started_at = window_started_at - interval '601 seconds' WHERE kind = 'user' AND key = $1`,
      [victim.id],
    );
    await login(victim.email, victim.password).expect(200);
  });

  it('a wrong current password to POST /users/me/password is counted before it is checked too', async () => {
    const user = await t.given.user(org);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(t.http)
          .post('/api/v1/users/me/password')
          .set(bearer(user.accessToken))
          .send({ current_password: `guess-number-${i}-wrong`, new_password: 'a-new-long-passphrase' }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => [403, 429, 503].includes(s))).toBe(true);
    expectProblem(await login(user.email, user.password), 429, 'TOO_MANY_LOGIN_ATTEMPTS');
  });

  it('more password checks at once than the process allows are 503 with Retry-After, and cost nobody an attempt', async () => {
    const users = [];
    for (let i = 0; i < 8; i++) users.push(await t.given.user(org));
    const answers = await Promise.all(users.map((u) => login(u.email, u.password)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    for (const answer of answers.filter((a) => a.status === 503)) {
      expectProblem(answer, 503, 'SERVICE_UNAVAILABLE');
      expect(answer.headers['retry-after']).toBe('1');
    }
    // A turned-away attempt was given back: nobody's count grew.
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM login_attempts WHERE kind = 'user' AND key = ANY($1) AND attempts > 0`,
      [users.map((u) => u.id)],
    );
    expect(rows[0].n).toBe(0);
  });

  it('locks an address nobody has out after the same number of attempts, with the same answers, as one that exists', async () => {
    const user = await t.given.user(org);
    const answers = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(email, `wrong-password-${i}`)).status);
      return statuses;
    };
    expect(await answers('nobody.here@acme.test')).toEqual(await answers(user.email));
    expect(await answers('nobody.else@acme.test')).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("a successful login clears the account's count and gives the address its attempt back", async () => {
    const user = await t.given.user(org);
    for (let i = 0; i < 4; i++)
      expectProblem(await login(user.email, `wrong-password-${i}`), 401, 'INVALID_CREDENTIALS');
    await login(user.email, user.password).expect(200);
    for (let i = 0; i < 4; i++)
      expectProblem(await login(user.email, `wrong-password-again-${i}`), 401, 'INVALID_CREDENTIALS');
    await login(user.email, user.password).expect(200);
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM login_attempts WHERE kind = 'user' AND key = $1`,
      [user.id],
    );
    expect(row.n).toBe(0);
  });
});
