import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { signingKeys, TestOpenIdProvider } from './helpers/oidc-provider';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface AuditEntry {
  entity_id: string;
  metadata: Record<string, unknown>;
}

const AUDIENCE = 'https://api.spendin.test';
const ROLES_CLAIM = 'https://acme.test/roles';

/**
 * OpenID Connect bearer tokens from a real provider (oidc-provider in a child process): an
 * organization's admin configures its issuer, and the provider's JWT access tokens then name
 * users of that organization, linked by verified e-mail or created just in time, their role
 * from the provider's roles claim. Spendin's own tokens keep working beside them.
 */
describe('OpenID Connect bearer tokens', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let employee: TestUser;
  let manager: TestUser;
  let promoted: TestUser;
  let unverified: TestUser;
  let leaving: TestUser;
  let provider: TestOpenIdProvider;
  let stranger: TestOpenIdProvider;
  const newcomer = `new.${randomBytes(4).toString('hex')}@example.test`;
  const oidc = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, body: object) => request(t.http).post(`/api/v1${path}`).set(bearer(token)).send(body),
  });
  const settings = (changes: object = {}) => ({
    issuer: provider.issuer,
    audience: AUDIENCE,
    roles_claim: ROLES_CLAIM,
    role_mapping: { staff: 'employee', 'team-leads': 'manager', 'finance-team': 'finance' },
    ...changes,
  });
  const audit = async (action: string) =>
    ((await t.as(org.admin).get(`/audit-logs?action=${action}`).expect(200)).body as { items: AuditEntry[] }).items;

  beforeAll(async () => {
    t = await createTestApp({ OIDC_ALLOW_HTTP_LOOPBACK: 'true', OIDC_JWKS_COOLDOWN_SECONDS: '0' });
    org = await t.given.organization();
    other = await t.given.organization();
    employee = await t.given.user(org, 'employee');
    manager = await t.given.user(org, 'manager');
    promoted = await t.given.user(org, 'employee');
    unverified = await t.given.user(org, 'employee');
    leaving = await t.given.user(org, 'employee');
    const person = (user: TestUser, roles: string[] = ['staff']) => ({
      email: user.email,
      email_verified: true,
      [ROLES_CLAIM]: roles,
    });
    provider = await TestOpenIdProvider.start([
      { id: 'employee', claims: person(employee) },
      { id: 'promoted', claims: person(promoted, ['staff', 'team-leads']), alg: 'ES256' },
      { id: 'leaving', claims: person(leaving) },
      { id: 'unverified', claims: { email: unverified.email, email_verified: false } },
      {
        id: 'newcomer',
        claims: { email: newcomer, email_verified: true, name: 'New Comer', [ROLES_CLAIM]: ['finance-team'] },
      },
      { id: 'nobody' },
      { id: 'ps384', claims: person(manager), alg: 'PS384' },
    ]);
    stranger = await TestOpenIdProvider.start([{ id: 'employee', claims: person(employee) }]);
  });

  afterAll(async () => {
    await provider?.stop();
    await stranger?.stop();
    await t?.close();
  });

  describe('the settings', () => {
    it('are refused without a token, and to employees and managers', async () => {
      expectProblem(
        await request(t.http).put('/api/v1/organization/identity-provider').send(settings()),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      expectProblem(
        await request(t.http).delete('/api/v1/organization/identity-provider'),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      for (const user of [employee, manager]) {
        expectProblem(
          await t.as(user).put('/organization/identity-provider', settings()),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(await t.as(user).delete('/organization/identity-provider'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await t.as(user).get('/organization/identity-provider'), 403, 'INSUFFICIENT_PERMISSIONS');
      }
    });

    it('refuse an http issuer off loopback, HS* and none, and role values that are not roles', async () => {
      for (const body of [
        settings({ issuer: 'http://login.acme.test' }),
        settings({ issuer: 'https://login.acme.test/?tenant=1' }),
        settings({ algorithms: ['HS256'] }),
        settings({ algorithms: ['none'] }),
        settings({ algorithms: [] }),
        settings({ role_mapping: { x: 'owner' } }),
        settings({ audience: '' }),
      ]) {
        expectProblem(await t.as(org.admin).put('/organization/identity-provider', body), 422, 'VALIDATION_FAILED');
      }
      expect((await t.as(org.admin).get('/organization/identity-provider').expect(200)).body.openid_connect).toBeNull();
    });

    it("are set by an admin, answered beside the webhook secret, audited, and the issuer is one organization's", async () => {
      const put = await t.as(org.admin).put('/organization/identity-provider', settings()).expect(200);
      expect(put.body).toMatchObject({
        issuer: provider.issuer,
        audience: AUDIENCE,
        roles_claim: ROLES_CLAIM,
        default_role: 'employee',
        create_users: false,
        algorithms: ['RS256', 'ES256', 'PS256'],
      });
      const got = (await t.as(org.admin).get('/organization/identity-provider').expect(200)).body;
      expect(got).toMatchObject({ secret_configured: false, endpoint: `/api/v1/events/webhook/${org.id}` });
      expect(got.openid_connect).toEqual(put.body);
      const [configured] = await audit('identity_provider.oidc_configured');
      expect(configured).toMatchObject({ entity_id: org.id, metadata: { settings: { issuer: provider.issuer } } });

      // The other organization sees none of it, cannot take the issuer, and has nothing to delete.
      expect(
        (await t.as(other.admin).get('/organization/identity-provider').expect(200)).body.openid_connect,
      ).toBeNull();
      expectProblem(
        await t.as(other.admin).put('/organization/identity-provider', settings()),
        409,
        'OIDC_ISSUER_TAKEN',
      );
      expectProblem(await t.as(other.admin).delete('/organization/identity-provider'), 404, 'OIDC_SETTINGS_NOT_FOUND');
      expect(
        (await t.as(org.admin).get('/organization/identity-provider').expect(200)).body.openid_connect.issuer,
      ).toBe(provider.issuer);
    });
  });

  describe('tokens', () => {
    it('of the provider name the user whose verified e-mail they carry, on real routes, linked once and audited', async () => {
      const token = await provider.token('employee');
      const me = await oidc(token).get('/users/me').expect(200);
      expect(me.body).toMatchObject({ id: employee.id, email: employee.email, role: 'employee' });
      const spend = await oidc(token)
        .post('/spends', { amount: '12.50', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10) })
        .expect(201);
      expect(spend.body.user_id ?? spend.body.owner_id ?? spend.body.submitter_id).toBe(employee.id);
      const links = (await audit('user.identity_linked')).filter((e) => e.entity_id === employee.id);
      expect(links).toHaveLength(1);
      expect(links[0].metadata).toMatchObject({ issuer: provider.issuer, subject: 'employee', method: 'email' });
    });

    it('keep Spendin tokens working beside them', async () => {
      expect((await t.as(employee).get('/users/me').expect(200)).body.id).toBe(employee.id);
    });

    it('apply the mapped role (the highest), as the provider is the source of truth for it', async () => {
      const me = await oidc(await provider.token('promoted'))
        .get('/users/me')
        .expect(200);
      expect(me.body).toMatchObject({ id: promoted.id, role: 'manager' });
      expect((await audit('user.role_changed')).some((e) => e.entity_id === promoted.id)).toBe(true);
    });

    it('for another audience are refused', async () => {
      const token = await provider.token('employee', 'https://other-api.test');
      expectProblem(await oidc(token).get('/users/me'), 401, 'TOKEN_AUDIENCE_MISMATCH');
    });

    it('signed with an algorithm outside the allow-list are refused', async () => {
      expectProblem(await oidc(await provider.token('ps384')).get('/users/me'), 401, 'TOKEN_ALGORITHM_NOT_ALLOWED');
      await t
        .as(org.admin)
        .put('/organization/identity-provider', settings({ algorithms: ['RS256'] }))
        .expect(200);
      expectProblem(await oidc(await provider.token('promoted')).get('/users/me'), 401, 'TOKEN_ALGORITHM_NOT_ALLOWED');
      await t.as(org.admin).put('/organization/identity-provider', settings()).expect(200);
      const [updated] = await audit('identity_provider.oidc_updated');
      expect(updated.metadata.changes).toEqual({ algorithms: { from: ['RS256'], to: ['RS256', 'ES256', 'PS256'] } });
    });

    it('of an issuer no organization configured are invalid', async () => {
      expectProblem(await oidc(await stranger.token('employee')).get('/users/me'), 401, 'INVALID_TOKEN');
    });

    it('for someone unknown are refused while just-in-time creation is off, then create the user', async () => {
      const token = await provider.token('newcomer');
      expectProblem(await oidc(token).get('/users/me'), 401, 'OIDC_USER_UNKNOWN');
      await t
        .as(org.admin)
        .put('/organization/identity-provider', settings({ create_users: true }))
        .expect(200);
      const me = await oidc(token).get('/users/me').expect(200);
      expect(me.body).toMatchObject({
        email: newcomer,
        full_name: 'New Comer',
        role: 'finance',
        organization_id: org.id,
      });
      expect((await oidc(token).get('/users/me').expect(200)).body.id).toBe(me.body.id);
      expect((await audit('user.created')).filter((e) => e.entity_id === me.body.id)).toHaveLength(1);
      const [link] = (await audit('user.identity_linked')).filter((e) => e.entity_id === me.body.id);
      expect(link.metadata).toMatchObject({ method: 'just_in_time', subject: 'newcomer' });
    });

    it('link no one by an unverified e-mail, nor create anyone without an e-mail', async () => {
      expectProblem(await oidc(await provider.token('unverified')).get('/users/me'), 401, 'OIDC_USER_UNKNOWN');
      expectProblem(await oidc(await provider.token('nobody')).get('/users/me'), 401, 'OIDC_USER_UNKNOWN');
      expect((await audit('user.identity_linked')).some((e) => e.entity_id === unverified.id)).toBe(false);
    });

    it('of a user deactivated in Spendin are refused', async () => {
      const token = await provider.token('leaving');
      await oidc(token).get('/users/me').expect(200);
      await t
        .as(org.admin)
        .delete(`/admin/users/${leaving.id}`)
        .expect((r) => expect([200, 204]).toContain(r.status));
      expectProblem(await oidc(token).get('/users/me'), 401, 'USER_DEACTIVATED');
      expectProblem(await oidc(await provider.token('leaving')).get('/users/me'), 401, 'USER_DEACTIVATED');
    });

    it('are refused once expired (the provider issuing them an hour late)', async () => {
      await provider.restart({ clockOffsetSeconds: 3600 });
      const late = await provider.token('employee');
      await provider.restart({ clockOffsetSeconds: 0 });
      expectProblem(await oidc(late).get('/users/me'), 401, 'TOKEN_EXPIRED');
    });

    it("signed with a rotated key pass (the keys are fetched again), and the old key's stop", async () => {
      const before = await provider.token('employee');
      await oidc(before).get('/users/me').expect(200);
      await provider.restart({ keys: await signingKeys('k2') });
      const after = await provider.token('employee');
      expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe('k2-RS256');
      expect((await oidc(after).get('/users/me').expect(200)).body.id).toBe(employee.id);
      expectProblem(await oidc(before).get('/users/me'), 401, 'INVALID_TOKEN');
    });

    it('are invalid once the organization removes its provider', async () => {
      const token = await provider.token('employee');
      await oidc(token).get('/users/me').expect(200);
      await t.as(org.admin).delete('/organization/identity-provider').expect(200);
      expectProblem(await oidc(token).get('/users/me'), 401, 'INVALID_TOKEN');
      expect((await t.as(org.admin).get('/organization/identity-provider').expect(200)).body.openid_connect).toBeNull();
      expect((await audit('identity_provider.oidc_removed'))[0].metadata).toEqual({ issuer: provider.issuer });
    });

    it('of a provider that cannot be reached answer 503, not 401 (the token may be fine)', async () => {
      const token = await stranger.token('employee');
      await stranger.stop();
      await t
        .as(org.admin)
        .put('/organization/identity-provider', settings({ issuer: stranger.issuer }))
        .expect(200);
      expectProblem(await oidc(token).get('/users/me'), 503, 'SERVICE_UNAVAILABLE');
    });
  });
});
