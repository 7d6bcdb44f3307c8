import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';
import type { TestOrganization } from './helpers/given';

describe('Auth: login, refresh rotation, logout, token checks', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600' });
    org = await t.given.organization('Acme');
  });
  afterAll(() => t.close());

  const login = (body: unknown) =>
    request(t.http)
      .post('/api/v1/auth/login')
      .send(body as object);
  const refresh = (token: string) => request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: token });
  const me = (token: string) => request(t.http).get('/api/v1/users/me').set(bearer(token));

  it('logs in with e-mail (any case) and password and answers a bearer token pair', async () => {
    const response = await login({ email: org.admin.email.toUpperCase(), password: org.admin.password }).expect(200);
    expect(response.body).toEqual({
      access_token: expect.stringMatching(/^ey/),
      refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 900,
      password_change_required: false,
    });
    const claims = new JwtService({ secret: TEST_JWT_SECRET }).verify(response.body.access_token);
    expect(claims.sub).toBe(org.admin.id);
    expect(claims.exp - claims.iat).toBe(900);
    await me(response.body.access_token).expect(200);
  });

  it('answers the same 401 for an unknown e-mail and a wrong password', async () => {
    const unknown = await login({ email: 'nobody@example.test', password: 'whatever-password' });
    const wrong = await login({ email: org.admin.email, password: 'not-the-password' });
    expectProblem(unknown, 401, 'INVALID_CREDENTIALS');
    expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
    expect({ ...unknown.body, request_id: null }).toEqual({ ...wrong.body, request_id: null });
  });

  it('refuses a user without a password and a deactivated user with that same 401', async () => {
    const created = await request(t.http)
      .post('/api/v1/admin/users')
      .set(bearer(org.admin.accessToken))
      .send({ email: 'nopass@example.test', full_name: 'No Pass', role: 'employee' })
      .expect(201);
    expect(created.body.has_password).toBe(false);
    expectProblem(
      await login({ email: 'nopass@example.test', password: 'anything-at-all' }),
      401,
      'INVALID_CREDENTIALS',
    );

    const gone = await t.given.user(org);
    await request(t.http).delete(`/api/v1/admin/users/${gone.id}`).set(bearer(org.admin.accessToken)).expect(200);
    expectProblem(await login({ email: gone.email, password: gone.password }), 401, 'INVALID_CREDENTIALS');
  });

  it('locks an e-mail out after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const victim = await t.given.user(org);
    for (let i = 0; i < 3; i++)
      expectProblem(await login({ email: victim.email, password: 'wrong-password' }), 401, 'INVALID_CREDENTIALS');
    const locked = await login({ email: victim.email, password: victim.password });
    expectProblem(locked, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Other accounts are not affected.
    await login({ email: org.admin.email, password: org.admin.password }).expect(200);
  });

  it('audits logins and failed logins of known users in their organization', async () => {
    const user = await t.given.user(org);
    await login({ email: user.email, password: 'wrong-password' }).expect(401);
    await login({ email: user.email, password: user.password }).expect(200);
    const rows = await t.dataSource.query(
      `SELECT action, actor_id, metadata FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action LIKE 'auth.%' ORDER BY seq`,
      [org.id, user.id],
    );
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['auth.login', 'auth.login_failed', 'auth.login']);
    expect(rows[1]).toMatchObject({ actor_id: null, metadata: { reason: 'bad_password' } });
  });

  it('rotates refresh tokens: the new pair works, the old refresh token is spent', async () => {
    const user = await t.given.user(org);
    const first = await refresh(user.refreshToken).expect(200);
    expect(first.body.refresh_token).not.toBe(user.refreshToken);
    await me(first.body.access_token).expect(200);
    const second = await refresh(first.body.refresh_token).expect(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const user = await t.given.user(org);
    const rotated = await refresh(user.refreshToken).expect(200);
    expectProblem(await refresh(user.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    // The thief's reuse also signs out the legitimate holder of the newer token.
    expectProblem(await refresh(rotated.body.refresh_token), 401, 'REFRESH_TOKEN_INVALID');
    const [audit] = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE entity_id = $1 AND action = 'auth.refresh_token_reused'`,
      [user.id],
    );
    expect(audit).toBeDefined();
    // Logging in again starts a new, working family.
    const again = await t.given.login(user.email, user.password);
    await refresh(again.refreshToken).expect(200);
  });

  it('decides concurrent refreshes with one token one at a time: one wins, the other is a reuse', async () => {
    const user = await t.given.user(org);
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    expect([a.body.code, b.body.code]).toContain('REFRESH_TOKEN_REUSED');
  });

  it('refuses malformed, unknown and validation-failing refresh requests', async () => {
    expectProblem(await refresh('not-a-token'), 401, 'REFRESH_TOKEN_INVALID');
    expectProblem(
      await refresh(`00000000-0000-4000-8000-000000000000.${'a'.repeat(43)}`),
      401,
      'REFRESH_TOKEN_INVALID',
    );
    const [id] = org.admin.refreshToken.split('.');
    expectProblem(await refresh(`${id}.${'b'.repeat(43)}`), 401, 'REFRESH_TOKEN_INVALID');
    expectProblem(await request(t.http).post('/api/v1/auth/refresh').send({}), 422, 'VALIDATION_FAILED');
  });

  it('logs out: 204, the refresh token family stops working, and logout is idempotent', async () => {
    const user = await t.given.user(org);
    const rotated = await refresh(user.refreshToken).expect(200);
    await request(t.http).post('/api/v1/auth/logout').send({ refresh_token: rotated.body.refresh_token }).expect(204);
    expectProblem(await refresh(rotated.body.refresh_token), 401, 'REFRESH_TOKEN_INVALID');
    await request(t.http).post('/api/v1/auth/logout').send({ refresh_token: rotated.body.refresh_token }).expect(204);
    await request(t.http).post('/api/v1/auth/logout').send({ refresh_token: 'garbage' }).expect(204);
  });

  it('refuses a refresh for a user deactivated since', async () => {
    const user = await t.given.user(org);
    await request(t.http).delete(`/api/v1/admin/users/${user.id}`).set(bearer(org.admin.accessToken)).expect(200);
    expectProblem(await refresh(user.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  });

  describe('bearer tokens on protected routes', () => {
    const sign = (claims: object, options: object = {}) =>
      new JwtService({ secret: TEST_JWT_SECRET }).sign(claims, options);

    it('401 AUTHENTICATION_REQUIRED without a token', async () => {
      expectProblem(await request(t.http).get('/api/v1/users/me'), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('401 TOKEN_EXPIRED for an expired token', async () => {
      const expired = sign({ sub: org.admin.id, org: org.id, ver: 0, exp: Math.floor(Date.now() / 1000) - 60 });
      expectProblem(await me(expired), 401, 'TOKEN_EXPIRED');
    });

    it('401 INVALID_TOKEN for a garbage token, a forged signature and a token of an unknown user', async () => {
      expectProblem(await me('garbage'), 401, 'INVALID_TOKEN');
      const forged = new JwtService({ secret: 'another-secret-another-secret-another-secret' }).sign({
        sub: org.admin.id,
        org: org.id,
        ver: 0,
      });
      expectProblem(await me(forged), 401, 'INVALID_TOKEN');
      expectProblem(
        await me(sign({ sub: '00000000-0000-4000-8000-000000000000', org: org.id, ver: 0 })),
        401,
        'INVALID_TOKEN',
      );
      expectProblem(
        await request(t.http).get('/api/v1/users/me').set('Authorization', 'Basic abc'),
        401,
        'INVALID_TOKEN',
      );
    });

    it('refuses an unsigned (alg none) token', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({ sub: org.admin.id, org: org.id, ver: 0, exp: Math.floor(Date.now() / 1000) + 600 }),
      ).toString('base64url');
      expectProblem(await me(`${header}.${payload}.`), 401, 'INVALID_TOKEN');
    });

    it("stops a deactivated user's access token at once", async () => {
      const user = await t.given.user(org);
      await me(user.accessToken).expect(200);
      await request(t.http).delete(`/api/v1/admin/users/${user.id}`).set(bearer(org.admin.accessToken)).expect(200);
      expectProblem(await me(user.accessToken), 401, 'INVALID_TOKEN');
    });

    it('stops older access tokens when the password changes', async () => {
      const user = await t.given.user(org);
      await request(t.http)
        .patch(`/api/v1/admin/users/${user.id}`)
        .set(bearer(org.admin.accessToken))
        .send({ password: 'a-brand-new-password' })
        .expect(200);
      expectProblem(await me(user.accessToken), 401, 'INVALID_TOKEN');
      const fresh = await t.given.login(user.email, 'a-brand-new-password');
      await me(fresh.accessToken).expect(200);
    });
  });

  describe('bad input', () => {
    it('400 MALFORMED_JSON for a broken body', async () => {
      const response = await request(t.http)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": ');
      expectProblem(response, 400, 'MALFORMED_JSON');
    });

    it('400 UNSUPPORTED_CONTENT_TYPE for a form-encoded body', async () => {
      const response = await request(t.http).post('/api/v1/auth/login').type('form').send('email=a&password=b');
      expectProblem(response, 400, 'UNSUPPORTED_CONTENT_TYPE');
    });

    it('422 with one entry per field, unknown fields included', async () => {
      const response = await login({ email: 42, password: 'x', remember_me: true });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'remember_me', message: 'is not a recognised field' },
          expect.objectContaining({ field: 'email' }),
        ]),
      );
    });

    it('413 for a body over the size limit', async () => {
      const response = await login({ email: 'a@b.test', password: 'x'.repeat(1_100_000) });
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });
  });
});
