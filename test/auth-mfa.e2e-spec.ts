import { generate } from 'otplib';
import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * TOTP (RFC 6238) as a second factor: enrolment that only counts once confirmed, login in two
 * steps, recovery codes that work once, codes that cannot be replayed, wrong codes throttled
 * per user like passwords, disabling with a code, and organizations that require it. Codes are
 * made with otplib from the secret the API answered, as an authenticator app would.
 */
describe('Auth: TOTP second factor', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600' });
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
  });
  afterAll(() => t.close());
  beforeEach(() => t.dataSource.query(`DELETE FROM login_attempts`));

  const login = (user: TestUser) =>
    request(t.http).post('/api/v1/auth/login').send({ email: user.email, password: user.password });
  const secondStep = (mfa_token: string, code: string) =>
    request(t.http).post('/api/v1/auth/mfa').send({ mfa_token, code });
  const step = () => Math.floor(Date.now() / 30_000);

  /**
   * A code the API has not seen yet: the current step's, or the next one's (accepted as clock
   * drift) when the current one was used. Only when both were (a test that logs in three times
   * within a minute) is the user's last used step moved a minute back, as if that much time had
   * passed: the codes this makes are still checked for real, and replay tests never use this.
   */
  async function freshCode(user: TestUser, secret: string): Promise<string> {
    const [row] = await t.dataSource.query(`SELECT last_step FROM user_mfa WHERE user_id = $1`, [user.id]);
    const now = step();
    const last = row?.last_step === null || row === undefined ? null : Number(row.last_step);
    let next = last === null ? now : Math.max(now, last + 1);
    if (next > now + 1) {
      await t.dataSource.query(`UPDATE user_mfa SET last_step = $2 WHERE user_id = $1`, [user.id, now - 1]);
      next = now;
    }
    return generate({ secret, epoch: next * 30 });
  }

  /** A user with a confirmed second factor: its secret and recovery codes. */
  async function enrolled(org: TestOrganization, user?: TestUser) {
    const who = user ?? (await t.given.user(org));
    const enrolment = await t.as(who).post('/users/me/mfa/totp').expect(201);
    const secret: string = enrolment.body.secret;
    const confirmed = await t
      .as(who)
      .post('/users/me/mfa/totp/confirm', { code: await freshCode(who, secret) })
      .expect(200);
    return { user: who, secret, recoveryCodes: confirmed.body.recovery_codes as string[] };
  }

  const actions = async (userId: string) =>
    (
      await t.dataSource.query(`SELECT action, metadata FROM audit_logs WHERE entity_id = $1 ORDER BY seq`, [userId])
    ).map((r: { action: string }) => r.action);

  it('documents 403 MFA_ENROLMENT_REQUIRED where the requirement applies, and not on the routes that answer before enrolment', async () => {
    const { paths } = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { examples?: object }> }> }>
      >;
    };
    const documents = (path: string, method: string) =>
      Object.keys(paths[path][method].responses['403']?.content?.['application/problem+json']?.examples ?? {}).includes(
        'MFA_ENROLMENT_REQUIRED',
      );
    expect(documents('/api/v1/spends', 'get')).toBe(true);
    expect(documents('/api/v1/admin/users', 'post')).toBe(true);
    expect(documents('/api/v1/users/me/mfa/totp', 'post')).toBe(false);
    expect(documents('/api/v1/users/me/mfa/totp/confirm', 'post')).toBe(false);
    expect(documents('/api/v1/users/me', 'get')).toBe(false);
  });

  it('enrols with an otpauth URI and a base32 secret, in force only once a code confirms it', async () => {
    const user = await t.given.user(acme);
    const enrolment = await t.as(user).post('/users/me/mfa/totp').expect(201);
    expect(enrolment.body).toMatchObject({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      issuer: 'Spendin (Acme)',
      account_name: user.email,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    const uri = new URL(enrolment.body.otpauth_uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(enrolment.body.secret);
    expect(uri.searchParams.get('issuer')).toBe('Spendin (Acme)');
    // Sealed at rest: the secret is not in the row.
    const [row] = await t.dataSource.query(`SELECT secret_sealed FROM user_mfa WHERE user_id = $1`, [user.id]);
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(enrolment.body.secret);

    // Pending: login is still one step.
    expect((await t.as(user).get('/users/me/mfa').expect(200)).body).toMatchObject({ enabled: false, pending: true });
    expect((await login(user).expect(200)).body.access_token).toEqual(expect.any(String));

    expectProblem(await t.as(user).post('/users/me/mfa/totp/confirm', { code: '000000' }), 403, 'WRONG_MFA_CODE');
    const confirmed = await t
      .as(user)
      .post('/users/me/mfa/totp/confirm', { code: await freshCode(user, enrolment.body.secret) })
      .expect(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
    for (const code of confirmed.body.recovery_codes) expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const stored = await t.dataSource.query(`SELECT code_digest FROM mfa_recovery_codes WHERE user_id = $1`, [user.id]);
    expect(stored).toHaveLength(10);
    expect(stored.map((r: { code_digest: string }) => r.code_digest)).not.toContain(confirmed.body.recovery_codes[0]);

    expect((await t.as(user).get('/users/me/mfa').expect(200)).body).toMatchObject({
      enabled: true,
      pending: false,
      recovery_codes_left: 10,
      required_by_organization: false,
    });
    expectProblem(await t.as(user).post('/users/me/mfa/totp'), 409, 'MFA_ALREADY_ENABLED');
    expect(await actions(user.id)).toEqual(expect.arrayContaining(['user.mfa_enrolled', 'user.mfa_confirmed']));
  });

  it('logs in in two steps; the mfa_token is no bearer token and works once; a code is never accepted twice', async () => {
    const { user, secret } = await enrolled(acme);
    const first = await login(user).expect(200);
    expect(first.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), expires_in: 300 });
    expect(first.body.access_token).toBeUndefined();
    expectProblem(
      await request(t.http).get('/api/v1/users/me').set(bearer(first.body.mfa_token)),
      401,
      'INVALID_TOKEN',
    );

    const code = await freshCode(user, secret);
    const tokens = await secondStep(first.body.mfa_token, code).expect(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    expect((await t.as({ accessToken: tokens.body.access_token }).get('/users/me').expect(200)).body.id).toBe(user.id);
    // The same token again: spent (refused before any code is looked at).
    expectProblem(await secondStep(first.body.mfa_token, code), 401, 'MFA_TOKEN_INVALID');
    // The same code on a new login: a replay.
    const second = await login(user).expect(200);
    expectProblem(await secondStep(second.body.mfa_token, code), 401, 'INVALID_MFA_CODE');
    expectProblem(await secondStep(second.body.mfa_token, '12345'), 422, 'VALIDATION_FAILED');
    expect(await actions(user.id)).toEqual(expect.arrayContaining(['auth.mfa_challenged', 'auth.mfa_failed']));
    const [entry] = await t.dataSource.query(
      `SELECT metadata FROM audit_logs WHERE entity_id = $1 AND action = 'auth.login' ORDER BY seq DESC LIMIT 1`,
      [user.id],
    );
    expect(entry.metadata).toEqual({ mfa: 'totp' });
  });

  it('refuses an expired mfa_token, and garbage', async () => {
    const { user, secret } = await enrolled(acme);
    const first = await login(user).expect(200);
    await t.dataSource.query(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.id,
    ]);
    expectProblem(await secondStep(first.body.mfa_token, await freshCode(user, secret)), 401, 'MFA_TOKEN_INVALID');
    expectProblem(await secondStep('not-a-token', '123456'), 401, 'MFA_TOKEN_INVALID');
  });

  it('accepts each recovery code once, at login, and counts what is left', async () => {
    const { user, recoveryCodes } = await enrolled(acme);
    const first = await login(user).expect(200);
    // Typed loosely: lower case, no dash.
    await secondStep(first.body.mfa_token, recoveryCodes[0].toLowerCase().replace('-', '')).expect(200);
    const second = await login(user).expect(200);
    expectProblem(await secondStep(second.body.mfa_token, recoveryCodes[0]), 401, 'INVALID_MFA_CODE');
    await secondStep(second.body.mfa_token, recoveryCodes[1]).expect(200);
    expect((await t.as(user).get('/users/me/mfa').expect(200)).body.recovery_codes_left).toBe(8);
    expect((await actions(user.id)).filter((a: string) => a === 'user.mfa_recovery_code_used')).toHaveLength(2);
  });

  it('throttles wrong codes per user like passwords, however often the password is entered again', async () => {
    const { user, secret } = await enrolled(acme);
    for (let i = 0; i < 3; i++) {
      const challenge = await login(user).expect(200);
      expectProblem(await secondStep(challenge.body.mfa_token, '000000'), 401, 'INVALID_MFA_CODE');
    }
    const challenge = await login(user).expect(200);
    const refused = await secondStep(challenge.body.mfa_token, await freshCode(user, secret));
    expectProblem(refused, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The own routes count on the same throttle.
    expectProblem(await t.as(user).post('/users/me/mfa/disable', { code: '000000' }), 429, 'TOO_MANY_LOGIN_ATTEMPTS');
  });

  it('turns off only with a current code; login is one step again', async () => {
    const { user, secret } = await enrolled(acme);
    expectProblem(await t.as(user).post('/users/me/mfa/disable', {}), 422, 'VALIDATION_FAILED');
    expectProblem(await t.as(user).post('/users/me/mfa/disable', { code: '000000' }), 403, 'WRONG_MFA_CODE');
    await t
      .as(user)
      .post('/users/me/mfa/disable', { code: await freshCode(user, secret) })
      .expect(204);
    expect((await t.as(user).get('/users/me/mfa').expect(200)).body).toMatchObject({ enabled: false, pending: false });
    expect((await login(user).expect(200)).body.access_token).toEqual(expect.any(String));
    expect(await t.dataSource.query(`SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1`, [user.id])).toEqual([]);
    expectProblem(await t.as(user).post('/users/me/mfa/disable', { code: '123456' }), 409, 'MFA_NOT_ENROLLED');
    expect(await actions(user.id)).toContain('user.mfa_disabled');
  });

  it('replaces the recovery codes with a TOTP code; the old ones stop working', async () => {
    const { user, secret, recoveryCodes } = await enrolled(acme);
    expectProblem(
      await t.as(user).post('/users/me/mfa/recovery-codes', { code: recoveryCodes[0] }),
      403,
      'WRONG_MFA_CODE',
    );
    const renewed = await t
      .as(user)
      .post('/users/me/mfa/recovery-codes', { code: await freshCode(user, secret) })
      .expect(200);
    expect(renewed.body.recovery_codes).toHaveLength(10);
    const challenge = await login(user).expect(200);
    expectProblem(await secondStep(challenge.body.mfa_token, recoveryCodes[1]), 401, 'INVALID_MFA_CODE');
    await secondStep(challenge.body.mfa_token, renewed.body.recovery_codes[0]).expect(200);
  });

  it('lets an admin require a second factor: users without one may only enrol, until they confirm', async () => {
    const org = await t.given.organization('Initech');
    const employee = await t.given.user(org);
    expectProblem(
      await t.as(employee).patch('/organization', { settings: { require_mfa: true } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    await t
      .as(org.admin)
      .patch('/organization', { settings: { require_mfa: true } })
      .expect(200);

    expectProblem(await t.as(employee).get('/spends'), 403, 'MFA_ENROLMENT_REQUIRED');
    expectProblem(await t.as(org.admin).get('/admin/users'), 403, 'MFA_ENROLMENT_REQUIRED');
    await t.as(employee).get('/users/me').expect(200);
    expect((await t.as(employee).get('/users/me/mfa').expect(200)).body).toMatchObject({
      enabled: false,
      required_by_organization: true,
    });
    // Another organization is not affected.
    await t.as(acme.admin).get('/spends').expect(200);

    await enrolled(org, employee);
    await t.as(employee).get('/spends').expect(200);
    // The admin, still without one, can turn the requirement off again only after enrolling.
    expectProblem(
      await t.as(org.admin).patch('/organization', { settings: { require_mfa: false } }),
      403,
      'MFA_ENROLMENT_REQUIRED',
    );
  });

  it('keeps each account of a shared e-mail to its own second factor', async () => {
    const make = (org: TestOrganization, password: string) =>
      t
        .as(org.admin)
        .post('/admin/users', { email: 'kim@shared.test', full_name: 'Kim Shared', role: 'employee', password })
        .expect(201);
    const inAcme = await make(acme, 'first-orgs-passphrase');
    await make(globex, 'second-orgs-passphrase');
    const acmeKim = { ...(await t.given.login('kim@shared.test', 'first-orgs-passphrase')), id: inAcme.body.id };
    await enrolled(acme, {
      ...acmeKim,
      email: 'kim@shared.test',
      password: 'first-orgs-passphrase',
      role: 'employee',
      organizationId: acme.id,
    });
    const intoAcme = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'kim@shared.test', password: 'first-orgs-passphrase' })
      .expect(200);
    expect(intoAcme.body.mfa_required).toBe(true);
    const intoGlobex = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'kim@shared.test', password: 'second-orgs-passphrase' })
      .expect(200);
    expect(intoGlobex.body.access_token).toEqual(expect.any(String));
  });

  it("lets an admin turn a user's second factor off, in their own organization only", async () => {
    const { user } = await enrolled(acme);
    const employee = await t.given.user(acme);
    expectProblem(await t.as(employee).delete(`/admin/users/${user.id}/mfa`), 403, 'INSUFFICIENT_PERMISSIONS');
    expectProblem(await t.as(globex.admin).delete(`/admin/users/${user.id}/mfa`), 404, 'USER_NOT_FOUND');
    expectProblem(await request(t.http).delete(`/api/v1/admin/users/${user.id}/mfa`), 401, 'AUTHENTICATION_REQUIRED');
    expect((await t.as(user).get('/users/me/mfa').expect(200)).body.enabled).toBe(true);

    await t.as(acme.admin).delete(`/admin/users/${user.id}/mfa`).expect(204);
    expectProblem(await t.as(user).get('/users/me'), 401, 'INVALID_TOKEN');
    const fresh = await login(user).expect(200);
    expect(fresh.body.access_token).toEqual(expect.any(String));
    expect((await t.as({ accessToken: fresh.body.access_token }).get('/users/me/mfa').expect(200)).body.enabled).toBe(
      false,
    );
    await t.as(acme.admin).delete(`/admin/users/${user.id}/mfa`).expect(204);
    const [entry] = await t.dataSource.query(
      `SELECT actor_id, metadata FROM audit_logs WHERE entity_id = $1 AND action = 'user.mfa_reset'`,
      [user.id],
    );
    expect(entry).toEqual({ actor_id: acme.admin.id, metadata: { was_confirmed: true, sessions_signed_out: 1 } });
  });

  it('needs a bearer token on every route of /users/me/mfa', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/users/me/mfa'],
      ['post', '/api/v1/users/me/mfa/totp'],
      ['post', '/api/v1/users/me/mfa/totp/confirm'],
      ['post', '/api/v1/users/me/mfa/recovery-codes'],
      ['post', '/api/v1/users/me/mfa/disable'],
    ] as const) {
      expectProblem(await request(t.http)[method](path).send({ code: '123456' }), 401, 'AUTHENTICATION_REQUIRED');
    }
  });
});
