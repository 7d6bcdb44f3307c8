import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const NEW_PASSWORD = 'a-brand-new-passphrase';

describe("Users: changing one's own password (POST /users/me/password)", () => {
  let t: TestApp;
  let acme: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600' });
    acme = await t.given.organization('Acme');
  });
  afterAll(() => t.close());

  const change = (token: string | null, body: object) => {
    const pending = request(t.http).post('/api/v1/users/me/password');
    return (token ? pending.set(bearer(token)) : pending).send(body);
  };
  const login = (email: string, password: string) =>
    request(t.http).post('/api/v1/auth/login').send({ email, password });
  const refresh = (token: string) => request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: token });
  const me = (token: string) => request(t.http).get('/api/v1/users/me').set(bearer(token));
  const audit = (user: TestUser): Promise<Array<{ action: string; actor_id: string; metadata: object }>> =>
    t.dataSource.query(
      `SELECT action, actor_id, metadata FROM audit_logs WHERE entity_id = $1 AND action LIKE 'user.%' ORDER BY seq`,
      [user.id],
    );

  it('changes the password: 200 with a new token pair, the new password logs in and the old one no longer does', async () => {
    const user = await t.given.user(acme, 'employee');
    const response = await change(user.accessToken, {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    }).expect(200);
    expect(response.body).toEqual({
      access_token: expect.stringMatching(/^ey/),
      refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 900,
      password_change_required: false,
    });
    expect((await me(response.body.access_token).expect(200)).body.id).toBe(user.id);
    await refresh(response.body.refresh_token).expect(200);

    await login(user.email, NEW_PASSWORD).expect(200);
    expectProblem(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
  });

  it('signs every other session out: earlier access tokens stop at once, earlier refresh tokens are revoked', async () => {
    const user = await t.given.user(acme, 'manager');
    const laptop = await t.given.login(user.email, user.password);
    const response = await change(user.accessToken, {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    }).expect(200);

    for (const session of [user, laptop]) {
      expectProblem(await me(session.accessToken), 401, 'INVALID_TOKEN');
      expectProblem(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    }
    await me(response.body.access_token).expect(200);
  });

  it('audits the change as user.password_changed by the user, naming no password', async () => {
    const user = await t.given.user(acme, 'finance');
    await t.given.login(user.email, user.password);
    await change(user.accessToken, { current_password: user.password, new_password: NEW_PASSWORD }).expect(200);
    const entries = await audit(user);
    expect(entries.at(-1)).toEqual({
      action: 'user.password_changed',
      actor_id: user.id,
      metadata: { sessions_signed_out: 2 },
    });
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE '%' || $1 || '%'`,
      [NEW_PASSWORD],
    );
    expect(row.n).toBe(0);
  });

  it('refuses a caller without a token with 401', async () => {
    expectProblem(
      await change(null, { current_password: 'whatever-it-is', new_password: NEW_PASSWORD }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });

  it('refuses a wrong current password with 403 INVALID_CURRENT_PASSWORD and changes nothing', async () => {
    const user = await t.given.user(acme, 'employee');
    const before = await audit(user);
    const response = await change(user.accessToken, {
      current_password: 'not-the-password',
      new_password: NEW_PASSWORD,
    });
    expectProblem(response, 403, 'INVALID_CURRENT_PASSWORD');
    await me(user.accessToken).expect(200);
    await refresh(user.refreshToken).expect(200);
    await login(user.email, user.password).expect(200);
    expectProblem(await login(user.email, NEW_PASSWORD), 401, 'INVALID_CREDENTIALS');
    expect(await audit(user)).toEqual(before);
  });

  it('counts wrong current passwords as failed logins: past the limit 429 with Retry-After, even for the right one', async () => {
    const user = await t.given.user(acme, 'employee');
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await change(user.accessToken, { current_password: `wrong-password-${i}`, new_password: NEW_PASSWORD }),
        403,
        'INVALID_CURRENT_PASSWORD',
      );
    }
    const locked = await change(user.accessToken, { current_password: user.password, new_password: NEW_PASSWORD });
    expectProblem(locked, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(590);
    expectProblem(await login(user.email, user.password), 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    await me(user.accessToken).expect(200);
  });

  it('refuses a new password shorter than 12 characters with 422, as everywhere a password is set', async () => {
    const user = await t.given.user(acme, 'employee');
    const response = await change(user.accessToken, { current_password: user.password, new_password: 'too-short' });
    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(response.body.errors).toEqual([{ field: 'new_password', message: 'must be 12 to 256 characters' }]);
    const admin = await request(t.http)
      .patch(`/api/v1/admin/users/${user.id}`)
      .set(bearer(acme.admin.accessToken))
      .send({ password: 'too-short' });
    expect(admin.body.errors).toEqual([{ field: 'password', message: 'must be 12 to 256 characters' }]);
    await login(user.email, user.password).expect(200);
  });

  it('refuses unknown and missing fields with 422 naming each', async () => {
    const user = await t.given.user(acme, 'employee');
    const unknown = await change(user.accessToken, {
      current_password: user.password,
      new_password: NEW_PASSWORD,
      password: NEW_PASSWORD,
    });
    expectProblem(unknown, 422, 'VALIDATION_FAILED');
    expect(unknown.body.errors).toEqual([{ field: 'password', message: 'is not a recognised field' }]);
    const missing = await change(user.accessToken, {});
    expectProblem(missing, 422, 'VALIDATION_FAILED');
    expect(missing.body.errors).toEqual([
      { field: 'current_password', message: 'is required' },
      { field: 'new_password', message: 'is required' },
    ]);
    await login(user.email, user.password).expect(200);
  });

  it('lets exactly one of two simultaneous changes with the same current password win', async () => {
    const user = await t.given.user(acme, 'employee');
    const [first, second] = await Promise.all([
      change(user.accessToken, { current_password: user.password, new_password: 'first-new-passphrase' }),
      change(user.accessToken, { current_password: user.password, new_password: 'second-new-passphrase' }),
    ]);
    const [winner, loser] = first.status === 200 ? [first, second] : [second, first];
    expect(winner.status).toBe(200);
    // The loser either passed the token check before the winner committed (then the locked row
    // holds the winner's hash) or after it (then its token is already out of date).
    expect([`${loser.status} ${loser.body.code}`]).toEqual([
      expect.stringMatching(/^(403 INVALID_CURRENT_PASSWORD|401 INVALID_TOKEN)$/),
    ]);
    const password = winner === first ? 'first-new-passphrase' : 'second-new-passphrase';
    await login(user.email, password).expect(200);
    expect((await audit(user)).filter((e) => e.action === 'user.password_changed')).toHaveLength(1);
  });

  describe('weak passwords are refused wherever a password is set', () => {
    const admin = () => request(t.http).post('/api/v1/admin/users').set(bearer(acme.admin.accessToken));
    const patchUser = (id: string, body: object) =>
      request(t.http).patch(`/api/v1/admin/users/${id}`).set(bearer(acme.admin.accessToken)).send(body);
    const expectRefused = (response: request.Response, field: string, message: RegExp) => {
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
    };

    it('refuses common passwords (any case, with digits or symbols around them) on create, admin PATCH and own change', async () => {
      expectRefused(
        await admin().send({
          email: 'common.one@acme.test',
          full_name: 'C',
          role: 'employee',
          password: 'Password1234',
        }),
        'password',
        /too common/,
      );
      expectRefused(
        await admin().send({
          email: 'common.two@acme.test',
          full_name: 'C',
          role: 'employee',
          password: 'QWERTY123456',
        }),
        'password',
        /too common/,
      );
      const user = await t.given.user(acme, 'employee');
      expectRefused(await patchUser(user.id, { password: 'iloveyou2024!!' }), 'password', /too common/);
      expectRefused(
        await change(user.accessToken, { current_password: user.password, new_password: 'passwordpassword' }),
        'new_password',
        /too common/,
      );
      await login(user.email, user.password).expect(200);
      expect(await t.dataSource.query(`SELECT id FROM users WHERE email LIKE 'common.%'`)).toEqual([]);
    });

    it("refuses a password that contains the e-mail's local part, on create, admin PATCH and own change", async () => {
      expectRefused(
        await admin().send({
          email: 'marguerite@acme.test',
          full_name: 'M',
          role: 'employee',
          password: 'Marguerite-rocks-2026',
        }),
        'password',
        /before @/,
      );
      const created = await admin()
        .send({ email: 'bartholomew@acme.test', full_name: 'B', role: 'employee', password: NEW_PASSWORD })
        .expect(201);
      expectRefused(await patchUser(created.body.id, { password: 'my-name-is-bartholomew' }), 'password', /before @/);
      const tokens = await t.given.login('bartholomew@acme.test', NEW_PASSWORD);
      expectRefused(
        await change(tokens.accessToken, { current_password: NEW_PASSWORD, new_password: 'BARTHOLOMEW-the-first' }),
        'new_password',
        /before @/,
      );
      await login('bartholomew@acme.test', NEW_PASSWORD).expect(200);
    });

    it('refuses a "new" password that is the current one', async () => {
      const user = await t.given.user(acme, 'employee');
      expectRefused(
        await change(user.accessToken, { current_password: user.password, new_password: user.password }),
        'new_password',
        /differ from the current/,
      );
    });
  });

  describe('an admin can require a new password at next login (must_change_password)', () => {
    const spends = (token: string) => request(t.http).get('/api/v1/spends').set(bearer(token));

    it('is off by default', async () => {
      const user = await t.given.user(acme, 'employee');
      expect((await me(user.accessToken).expect(200)).body.must_change_password).toBe(false);
      expect((await login(user.email, user.password).expect(200)).body.password_change_required).toBe(false);
    });

    it('set on create: login succeeds and says so; only GET /users/me and the change answer until the password is changed', async () => {
      const created = await request(t.http)
        .post('/api/v1/admin/users')
        .set(bearer(acme.admin.accessToken))
        .send({
          email: 'handed.over@acme.test',
          full_name: 'Handed Over',
          role: 'finance',
          password: 'handed-over-by-the-admin',
          must_change_password: true,
        })
        .expect(201);
      expect(created.body.must_change_password).toBe(true);
      const session = (await login('handed.over@acme.test', 'handed-over-by-the-admin').expect(200)).body;
      expect(session.password_change_required).toBe(true);

      expect((await me(session.access_token).expect(200)).body).toMatchObject({
        email: 'handed.over@acme.test',
        must_change_password: true,
      });
      expectProblem(await spends(session.access_token), 403, 'PASSWORD_CHANGE_REQUIRED');
      expectProblem(
        await request(t.http).patch('/api/v1/users/me').set(bearer(session.access_token)).send({ full_name: 'X' }),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
      expectProblem(
        await request(t.http).get('/api/v1/audit-logs').set(bearer(session.access_token)),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
      // A refreshed pair is held to the same.
      const refreshed = (await refresh(session.refresh_token).expect(200)).body;
      expect(refreshed.password_change_required).toBe(true);
      expectProblem(await spends(refreshed.access_token), 403, 'PASSWORD_CHANGE_REQUIRED');

      const changed = (
        await change(refreshed.access_token, {
          current_password: 'handed-over-by-the-admin',
          new_password: NEW_PASSWORD,
        }).expect(200)
      ).body;
      expect(changed.password_change_required).toBe(false);
      await spends(changed.access_token).expect(200);
      expect((await me(changed.access_token).expect(200)).body.must_change_password).toBe(false);
    });

    it("set by PATCH: the user's current token is held at once, and lifting it frees it; audited", async () => {
      const user = await t.given.user(acme, 'employee');
      await spends(user.accessToken).expect(200);
      const patched = await request(t.http)
        .patch(`/api/v1/admin/users/${user.id}`)
        .set(bearer(acme.admin.accessToken))
        .send({ must_change_password: true })
        .expect(200);
      expect(patched.body.must_change_password).toBe(true);
      expectProblem(await spends(user.accessToken), 403, 'PASSWORD_CHANGE_REQUIRED');
      await request(t.http)
        .patch(`/api/v1/admin/users/${user.id}`)
        .set(bearer(acme.admin.accessToken))
        .send({ must_change_password: false })
        .expect(200);
      await spends(user.accessToken).expect(200);
      const entries = (await audit(user)).filter((e) => e.action === 'user.updated');
      expect(entries.map((e) => (e.metadata as { changes: object }).changes)).toEqual([
        { must_change_password: { from: false, to: true } },
        { must_change_password: { from: true, to: false } },
      ]);
    });

    it('refuses a non-boolean value', async () => {
      const user = await t.given.user(acme, 'employee');
      const response = await request(t.http)
        .patch(`/api/v1/admin/users/${user.id}`)
        .set(bearer(acme.admin.accessToken))
        .send({ must_change_password: 'yes' });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'must_change_password' })]);
    });
  });
});
