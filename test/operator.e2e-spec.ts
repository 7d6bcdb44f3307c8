import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { runCli } from './helpers/processes';
import { createTestApp, TestApp } from './helpers/test-app';

const withRedis = Boolean(process.env.REDIS_URL);
const BOARD_PASSWORD = 'the-shared-queue-board-password-0123456789';
const OPERATOR_EMAIL = 'ops@installation.test';
const OPERATOR_PASSWORD = 'lantern-harbour-operator-keys';
const NEW_PASSWORD = 'a-brand-new-operator-passphrase';
const ADMIN_PASSWORD = 'correct-horse-battery-staple';
const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
});

/**
 * The installation's operator (super_admin, docs/operator.md): an account the CLI makes, outside
 * every organization, whose token opens the /operator routes and nothing else, and whose
 * suspension of an organization shuts every door of it until it is resumed.
 */
describe('The installation operator', () => {
  let t: TestApp;
  let other: TestOrganization;
  const scratch = mkdtempSync(join(tmpdir(), 'spendin-operator-'));
  const passwordFile = (password: string) => {
    const file = join(scratch, `${randomUUID()}.txt`);
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return file;
  };
  const cli = (...args: string[]) => runCli(['operator', ...args], { DATABASE_URL: t.databaseUrl });
  const operatorLogin = (email: string, password: string) =>
    request(t.http).post('/api/v1/operator/auth/login').send({ email, password });
  const asOperator = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1/operator${path}`).set(bearer(token)),
    post: (path: string, body: object = {}) =>
      request(t.http).post(`/api/v1/operator${path}`).set(bearer(token)).send(body),
  });
  let token: string;
  let operatorId: string;
  let apiKey: string;
  let acme: { id: string; admin: TestUser };

  beforeAll(async () => {
    t = await createTestApp({ QUEUE_BOARD: 'read-only', QUEUE_BOARD_PASSWORD: BOARD_PASSWORD });
    other = await t.given.organization('Bystander Co');
  });
  afterAll(() => t.close());

  it('is created by the CLI from a password file, once per e-mail, and listed by it', async () => {
    const created = await cli(
      'create',
      '--email',
      'Ops@Installation.test',
      '--password-file',
      passwordFile(OPERATOR_PASSWORD),
    );
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const made = new RegExp(`Created operator ${OPERATOR_EMAIL} \\(([0-9a-f-]{36})\\)`).exec(created.stdout);
    expect(made).not.toBeNull();
    operatorId = made![1];
    expect(created.stdout + created.stderr).not.toContain(OPERATOR_PASSWORD);

    const again = await cli('create', '--email', OPERATOR_EMAIL, '--password-file', passwordFile(OPERATOR_PASSWORD));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('OPERATOR_EXISTS');
    const weak = await cli('create', '--email', 'weak@installation.test', '--password-file', passwordFile('password'));
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('VALIDATION_FAILED');
    const missing = await cli('create', '--email', 'nofile@installation.test');
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({
      code: 1,
      stderr: 'operator create needs --password-file\n',
    });

    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${OPERATOR_EMAIL}\\tactive\\t`, 'm'));
    expect(listed.stdout).not.toContain('weak@installation.test');
  }, 120_000);

  it('logs in with e-mail and password; a wrong password or an unknown e-mail is the same 401', async () => {
    const login = await operatorLogin(OPERATOR_EMAIL, OPERATOR_PASSWORD).expect(200);
    expect(login.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    token = login.body.access_token;
    expectProblem(await operatorLogin(OPERATOR_EMAIL, `${OPERATOR_PASSWORD}x`), 401, 'INVALID_CREDENTIALS');
    expectProblem(await operatorLogin('nobody@installation.test', OPERATOR_PASSWORD), 401, 'INVALID_CREDENTIALS');
    // An organization's admin is not an operator.
    expectProblem(await operatorLogin(other.admin.email, other.admin.password), 401, 'INVALID_CREDENTIALS');
    // Nor is an operator an organization's user.
    expectProblem(
      await request(t.http).post('/api/v1/auth/login').send({ email: OPERATOR_EMAIL, password: OPERATOR_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('is throttled like a login: past the limit, 429 with Retry-After even for the right password', async () => {
    const email = 'throttled@installation.test';
    expect((await cli('create', '--email', email, '--password-file', passwordFile(OPERATOR_PASSWORD))).code).toBe(0);
    for (let i = 0; i < t.config.login.maxFailures; i++) {
      expectProblem(await operatorLogin(email, 'wrong-password-attempt'), 401, 'INVALID_CREDENTIALS');
    }
    const refused = await operatorLogin(email, OPERATOR_PASSWORD);
    expectProblem(refused, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  }, 60_000);

  it('creates an organization whose admin then logs in, and one with a generated password to replace', async () => {
    const created = await asOperator(token)
      .post('/organizations', {
        name: 'Acme Inc.',
        base_currency: 'EUR',
        email: 'Admin@Acme.test',
        password: ADMIN_PASSWORD,
      })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Acme Inc.',
      base_currency: 'EUR',
      status: 'active',
      suspended_at: null,
      suspension_reason: null,
      user_count: 1,
      created_at: expect.any(String),
      admin: { id: expect.any(String), email: 'admin@acme.test', must_change_password: false },
    });
    const tokens = await t.given.login('admin@acme.test', ADMIN_PASSWORD);
    acme = {
      id: created.body.id,
      admin: {
        id: created.body.admin.id,
        email: 'admin@acme.test',
        password: ADMIN_PASSWORD,
        role: 'admin',
        organizationId: created.body.id,
        ...tokens,
      },
    };
    expect((await t.as(acme.admin).get('/users/me').expect(200)).body).toMatchObject({ role: 'admin' });

    const generated = await asOperator(token)
      .post('/organizations', { name: 'Globex', base_currency: 'USD', email: 'boss@globex.test' })
      .expect(201);
    expect(generated.body.admin.must_change_password).toBe(true);
    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'boss@globex.test', password: generated.body.admin_password })
      .expect(200);
    expect(login.body.password_change_required).toBe(true);

    expectProblem(
      await asOperator(token).post('/organizations', {
        name: 'Acme Inc.',
        base_currency: 'EUR',
        email: 'admin@acme.test',
        password: ADMIN_PASSWORD,
      }),
      409,
      'ORGANIZATION_EXISTS',
    );
    expectProblem(
      await asOperator(token).post('/organizations', {
        name: 'Initech',
        base_currency: 'USD',
        email: other.admin.email,
      }),
      409,
      'ADMIN_EMAIL_IN_OTHER_ORGANIZATION',
    );
    expectProblem(await asOperator(token).post('/organizations', { name: 'No currency' }), 422, 'VALIDATION_FAILED');

    // The creation is in the new organization's own audit log, as the operator's.
    const { items } = (await t.as(acme.admin).get('/audit-logs?action=organization.created').expect(200)).body;
    expect(items[0]).toMatchObject({
      actor_id: operatorId,
      actor_type: 'operator',
      metadata: { operator_email: OPERATOR_EMAIL },
    });
  });

  it('lists every organization with its status and user count, and nothing of their spends', async () => {
    await t.given.spend(acme.admin, { amount: '4321.98', currency: 'EUR' });
    const { body } = await asOperator(token).get('/organizations').expect(200);
    const names = body.items.map((o: { name: string }) => o.name);
    expect(names).toEqual(expect.arrayContaining(['Bystander Co', 'Acme Inc.', 'Globex']));
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(
        [
          'base_currency',
          'created_at',
          'id',
          'name',
          'status',
          'suspended_at',
          'suspension_reason',
          'user_count',
        ].sort(),
      );
    }
    expect(JSON.stringify(body)).not.toContain('4321');
  });

  it("is refused on every organization route: the operator's token names nobody there", async () => {
    for (const path of ['/spends', '/users/me', '/organization', '/audit-logs', '/admin/users', '/reports/summary']) {
      const response = await request(t.http).get(`/api/v1${path}`).set(bearer(token));
      expectProblem(response, 401, 'INVALID_TOKEN');
      expect(response.body.detail).toMatch(/operator/);
    }
    expectProblem(
      await request(t.http).post('/api/v1/spends').set(bearer(token)).send({ amount: '1.00', currency: 'USD' }),
      401,
      'INVALID_TOKEN',
    );
  });

  it("refuses an organization's credentials on the operator routes (403 OPERATOR_ONLY), and no or a bad token (401)", async () => {
    const routes: Array<[string, string]> = [
      ['get', '/organizations'],
      ['post', '/organizations'],
      ['post', `/organizations/${other.id}/suspend`],
      ['post', `/organizations/${other.id}/resume`],
    ];
    for (const [method, path] of routes) {
      const call = () =>
        (request(t.http) as unknown as Record<string, (u: string) => request.Test>)[method](`/api/v1/operator${path}`);
      expectProblem(await call().set(bearer(other.admin.accessToken)), 403, 'OPERATOR_ONLY');
      expectProblem(await call(), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await call().set(bearer('not-a-token')), 401, 'INVALID_TOKEN');
      expectProblem(await call().set(bearer(`${token.slice(0, -2)}xx`)), 401, 'INVALID_TOKEN');
    }
    expect(
      (await asOperator(token).get('/organizations').expect(200)).body.items.find(
        (o: { id: string }) => o.id === other.id,
      ),
    ).toMatchObject({ status: 'active' });
  });

  it('suspends an organization: its tokens, API keys, logins, refreshes and identity-provider events are refused; others go on', async () => {
    const { secret } = (await t.as(acme.admin).post('/organization/identity-provider/secret').expect(201)).body;
    const inbound = () => {
      const body = JSON.stringify([
        { id: randomUUID(), type: 'user.created', data: { email: `idp.${randomUUID()}@acme.test`, full_name: 'Idp' } },
      ]);
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      return request(t.http)
        .post(`/api/v1/events/webhook/${acme.id}`)
        .set('content-type', 'application/json')
        .set('webhook-id', id)
        .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
        .set('webhook-signature', new Webhook(secret).sign(id, at, body))
        .send(body);
    };
    await inbound().expect(200);
    // An integration's API key, made before: it is shut out like the people.
    apiKey = (
      await t
        .as(acme.admin)
        .post('/organization/api-keys', { name: 'ERP export', scopes: ['spends:read'] })
        .expect(201)
    ).body.key;
    await request(t.http).get('/api/v1/spends').set(bearer(apiKey)).expect(200);

    const suspended = await asOperator(token)
      .post(`/organizations/${acme.id}/suspend`, { reason: 'Invoice 2026-03 unpaid' })
      .expect(200);
    expect(suspended.body).toMatchObject({
      id: acme.id,
      status: 'suspended',
      suspended_at: expect.any(String),
      suspension_reason: 'Invoice 2026-03 unpaid',
      user_count: 2,
    });
    for (const path of ['/users/me', '/spends', '/organization']) {
      const refused = await t.as(acme.admin).get(path);
      expectProblem(refused, 403, 'ORGANIZATION_SUSPENDED');
      expect(refused.body.detail).toMatch(/suspended/);
    }
    expectProblem(
      await request(t.http).post('/api/v1/auth/login').send({ email: acme.admin.email, password: ADMIN_PASSWORD }),
      403,
      'ORGANIZATION_SUSPENDED',
    );
    expectProblem(
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: acme.admin.email, password: 'not-the-password-1' }),
      401,
      'INVALID_CREDENTIALS',
    );
    expectProblem(
      await request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: acme.admin.refreshToken }),
      403,
      'ORGANIZATION_SUSPENDED',
    );
    expectProblem(await inbound(), 403, 'ORGANIZATION_SUSPENDED');
    expectProblem(await request(t.http).get('/api/v1/spends').set(bearer(apiKey)), 403, 'ORGANIZATION_SUSPENDED');
    // Another organization is untouched.
    await t.as(other.admin).get('/users/me').expect(200);
    // Again: nothing changes, the first reason stands.
    const again = await asOperator(token).post(`/organizations/${acme.id}/suspend`, { reason: 'other' }).expect(200);
    expect(again.body).toMatchObject({ status: 'suspended', suspension_reason: 'Invoice 2026-03 unpaid' });
    expectProblem(
      await asOperator(token).post(`/organizations/${randomUUID()}/suspend`),
      404,
      'ORGANIZATION_NOT_FOUND',
    );
    expectProblem(await asOperator(token).post('/organizations/not-a-uuid/suspend'), 422, 'VALIDATION_FAILED');
  });

  it('resumes it: the same tokens, API keys, the refresh token and logins work again, and the audit log says who did what', async () => {
    const resumed = await asOperator(token).post(`/organizations/${acme.id}/resume`).expect(200);
    expect(resumed.body).toMatchObject({ status: 'active', suspended_at: null, suspension_reason: null });
    await t.as(acme.admin).get('/users/me').expect(200);
    await request(t.http).get('/api/v1/spends').set(bearer(apiKey)).expect(200);
    await request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: acme.admin.refreshToken }).expect(200);
    const login = await t.given.login(acme.admin.email, ADMIN_PASSWORD);
    acme.admin.accessToken = login.accessToken;

    const entries = async (action: string) =>
      (await t.as(acme.admin).get(`/audit-logs?action=${action}`).expect(200)).body.items;
    expect(await entries('organization.suspended')).toEqual([
      expect.objectContaining({
        actor_id: operatorId,
        actor_type: 'operator',
        entity_type: 'organization',
        entity_id: acme.id,
        metadata: expect.objectContaining({
          operator_email: OPERATOR_EMAIL,
          reason: 'Invoice 2026-03 unpaid',
        }),
      }),
    ]);
    expect(await entries('organization.resumed')).toEqual([
      expect.objectContaining({
        actor_id: operatorId,
        actor_type: 'operator',
        metadata: expect.objectContaining({ operator_email: OPERATOR_EMAIL }),
      }),
    ]);
    expect((await t.as(acme.admin).get('/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true });
  });

  describe('the queue board', () => {
    const admitted = async (headers: Record<string, string>) => {
      const response = await request(t.http).get('/admin/queues/api/queues').set(headers);
      // Without Redis the operator is let in, and told there is no queue to show.
      if (withRedis) expect(response.status).toBe(200);
      else expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
    };
    const challenged = async (headers: Record<string, string>) => {
      const response = await request(t.http).get('/admin/queues/api/queues').set(headers);
      expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
    };

    it("opens to an operator's e-mail and password over Basic, and still to QUEUE_BOARD_PASSWORD", async () => {
      await admitted(basic(OPERATOR_EMAIL, OPERATOR_PASSWORD));
      await admitted(basic(OPERATOR_EMAIL, OPERATOR_PASSWORD));
      await admitted(basic('operator', BOARD_PASSWORD));
    });

    it("refuses a wrong password, an organization admin's e-mail and password, and an operator token", async () => {
      await challenged(basic(OPERATOR_EMAIL, `${OPERATOR_PASSWORD}x`));
      await challenged(basic(acme.admin.email, ADMIN_PASSWORD));
      await challenged(basic('operator', OPERATOR_PASSWORD));
      await challenged(bearer(token));
    });
  });

  it('a deactivated operator is refused at once: token, login and queue board; a new password ends old tokens', async () => {
    const deactivated = await cli('deactivate', '--email', OPERATOR_EMAIL);
    expect({ code: deactivated.code, stdout: deactivated.stdout }).toEqual({
      code: 0,
      stdout: `Deactivated operator ${OPERATOR_EMAIL}; their tokens no longer work.\n`,
    });
    expectProblem(await asOperator(token).get('/organizations'), 401, 'INVALID_TOKEN');
    expectProblem(await operatorLogin(OPERATOR_EMAIL, OPERATOR_PASSWORD), 401, 'INVALID_CREDENTIALS');
    const board = await request(t.http).get('/admin/queues/api/queues').set(basic(OPERATOR_EMAIL, OPERATOR_PASSWORD));
    expectProblem(board, 401, 'AUTHENTICATION_REQUIRED');
    expect((await cli('list')).stdout).toMatch(new RegExp(`^${OPERATOR_EMAIL}\\tdeactivated\\t`, 'm'));

    expect((await cli('activate', '--email', OPERATOR_EMAIL)).code).toBe(0);
    const before = (await operatorLogin(OPERATOR_EMAIL, OPERATOR_PASSWORD).expect(200)).body.access_token;
    await asOperator(before).get('/organizations').expect(200);
    const reset = await cli('reset-password', '--email', OPERATOR_EMAIL, '--password-file', passwordFile(NEW_PASSWORD));
    expect(reset.code).toBe(0);
    expectProblem(await asOperator(before).get('/organizations'), 401, 'INVALID_TOKEN');
    expectProblem(await operatorLogin(OPERATOR_EMAIL, OPERATOR_PASSWORD), 401, 'INVALID_CREDENTIALS');
    const after = (await operatorLogin(OPERATOR_EMAIL, NEW_PASSWORD).expect(200)).body.access_token;
    await asOperator(after).get('/organizations').expect(200);

    const unknown = await cli('deactivate', '--email', 'nobody@installation.test');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('OPERATOR_NOT_FOUND');
  }, 120_000);
});
