import fc from 'fast-check';
import request from 'supertest';
import type { TestOrganization } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PASSWORD = 'a-scim-user-password-9';

/** An RFC 7644 §3.12 error, never problem+json. */
function expectScimError(response: request.Response, status: number, scimType?: string): void {
  const summary = `${response.status} ${JSON.stringify(response.body)}`;
  expect({ status: response.status, summary }).toEqual({ status, summary });
  expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
  if (scimType) expect(response.body.scimType).toBe(scimType);
  else expect(response.body).not.toHaveProperty('scimType');
  expect(response.body).not.toHaveProperty('code');
}

/**
 * SCIM 2.0 provisioning as Okta and Entra drive it, with real API keys made through the API:
 * users created, found, deactivated (their sessions end) and back; groups mapped to teams and
 * roles; one organization's key never reaching another's users; every refusal in SCIM's format.
 */
describe('SCIM 2.0 provisioning', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  let key: string;
  let otherKey: string;
  let unscopedKey: string;

  const makeKey = async (organization: TestOrganization, scopes: string[]) =>
    (
      await t
        .as(organization.admin)
        .post('/organization/api-keys', { name: `SCIM ${scopes.join(' ')}`, scopes })
        .expect(201)
    ).body.key as string;

  /** SCIM requests with an API key (or none), sent as application/scim+json as Okta does. */
  const scim = (credential: string | null = key) => {
    const auth = (test: request.Test) => (credential ? test.set(bearer(credential)) : test);
    const url = (path: string) => `/api/v1/scim/v2${path}`;
    const body = (test: request.Test, payload: unknown) =>
      auth(test).set('Content-Type', 'application/scim+json').send(JSON.stringify(payload));
    return {
      get: (path: string) => auth(request(t.http).get(url(path))),
      post: (path: string, payload: unknown) => body(request(t.http).post(url(path)), payload),
      put: (path: string, payload: unknown) => body(request(t.http).put(url(path)), payload),
      patch: (path: string, payload: unknown) => body(request(t.http).patch(url(path)), payload),
      delete: (path: string) => auth(request(t.http).delete(url(path))),
    };
  };
  const newUser = (userName: string, extra: object = {}) => ({
    schemas: [USER],
    userName,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  });
  const ops = (...operations: object[]) => ({ schemas: [PATCH], Operations: operations });
  const spendinUser = async (id: string, organization = org) =>
    (await t.as(organization.admin).get(`/admin/users/${id}`).expect(200)).body as {
      role: string;
      is_active: boolean;
      email: string;
      full_name: string;
      team_ids: string[];
    };
  const login = (email: string) =>
    request(t.http).post('/api/v1/auth/login').send({ email, password: PASSWORD, organization_id: org.id });

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Provisioned Co');
    other = await t.given.organization('Other Co');
    key = await makeKey(org, ['scim']);
    otherKey = await makeKey(other, ['scim']);
    unscopedKey = await makeKey(org, ['users:read']);
  });
  afterAll(() => t.close());

  describe('who may call it', () => {
    it('answers 401 without a credential and to a user access token, whatever the role, in SCIM form', async () => {
      expectScimError(await scim(null).get('/Users'), 401);
      expectScimError(await scim(org.admin.accessToken).get('/Users'), 401);
      const employee = await t.given.user(org, 'employee');
      expectScimError(await scim(employee.accessToken).post('/Users', newUser('nobody@acme.test')), 401);
      expectScimError(await scim('sk_live_not_a_real_key_0000000000').get('/Users'), 401);
    });

    it('answers 403 to an API key without the scim scope', async () => {
      expectScimError(await scim(unscopedKey).get('/Users'), 403);
      expectScimError(await scim(unscopedKey).post('/Users', newUser('scopeless@acme.test')), 403);
      expectScimError(await scim(unscopedKey).get('/ServiceProviderConfig'), 403);
    });

    it('answers a revoked key 401', async () => {
      const created = (
        await t
          .as(org.admin)
          .post('/organization/api-keys', { name: 'Short-lived', scopes: ['scim'] })
          .expect(201)
      ).body as { id: string; key: string };
      await scim(created.key).get('/Users').expect(200);
      await t
        .as(org.admin)
        .delete(`/organization/api-keys/${created.id}`)
        .expect((r) => expect(r.status).toBeLessThan(300));
      expectScimError(await scim(created.key).get('/Users'), 401);
    });
  });

  describe('discovery', () => {
    it('describes the service, its resource types and schemas in application/scim+json', async () => {
      const config = await scim().get('/ServiceProviderConfig').expect(200);
      expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 } });
      const types = await scim().get('/ResourceTypes').expect(200);
      expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
      await scim().get('/ResourceTypes/User').expect(200);
      expectScimError(await scim().get('/ResourceTypes/Device'), 404);
      const schemas = await scim().get('/Schemas').expect(200);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, GROUP]);
      await scim().get(`/Schemas/${USER}`).expect(200);
    });
  });

  describe('users, as Okta provisions them', () => {
    it('creates, finds by userName, deactivates (ending every session) and reactivates a user', async () => {
      const created = await scim().post('/Users', newUser('barbara.jensen@acme.test', { externalId: '00u1okta' }));
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
      const id = created.body.id as string;
      expect(created.headers.location).toBe(`/api/v1/scim/v2/Users/${id}`);
      expect(created.body).toMatchObject({
        schemas: [USER],
        userName: 'barbara.jensen@acme.test',
        externalId: '00u1okta',
        active: true,
        name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Barbara Jensen' },
        emails: [{ value: 'barbara.jensen@acme.test', type: 'work', primary: true }],
        meta: { resourceType: 'User', location: `/api/v1/scim/v2/Users/${id}` },
      });
      expect(await spendinUser(id)).toMatchObject({ role: 'employee', is_active: true, full_name: 'Barbara Jensen' });

      // The same userName again, in another case: 409 uniqueness.
      expectScimError(await scim().post('/Users', newUser('Barbara.Jensen@ACME.test')), 409, 'uniqueness');

      const found = await scim().get(`/Users?filter=${encodeURIComponent('userName eq "BARBARA.JENSEN@acme.test"')}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(found.body.Resources[0].id).toBe(id);
      const byExternalId = await scim().get(`/Users?filter=${encodeURIComponent('externalId eq "00u1okta"')}`);
      expect(byExternalId.body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
      const none = await scim().get(`/Users?filter=${encodeURIComponent('userName eq "nobody@acme.test"')}`);
      expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

      // The person has a session (an admin set a password, as a provider's own sign-in would give them one).
      await t.as(org.admin).patch(`/admin/users/${id}`, { password: PASSWORD }).expect(200);
      const session = (await login('barbara.jensen@acme.test').expect(200)).body as {
        access_token: string;
        refresh_token: string;
      };

      const off = await scim().patch(`/Users/${id}`, ops({ op: 'replace', value: { active: false } }));
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      expect((await spendinUser(id)).is_active).toBe(false);
      expectProblem(await login('barbara.jensen@acme.test'), 401, 'INVALID_CREDENTIALS');
      await request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: session.refresh_token }).expect(401);
      await request(t.http).get('/api/v1/users/me').set(bearer(session.access_token)).expect(401);

      const on = await scim().patch(`/Users/${id}`, ops({ op: 'replace', value: { active: true } }));
      expect(on.body.active).toBe(true);
      await login('barbara.jensen@acme.test').expect(200);
      // The old refresh token stays dead: reactivation gives no session back.
      await request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: session.refresh_token }).expect(401);
    });

    it('replaces a user with PUT, and audits the change with the key as actor', async () => {
      const id = (await scim().post('/Users', newUser('put.me@acme.test')).expect(201)).body.id as string;
      const replaced = await scim().put(`/Users/${id}`, {
        ...newUser('put.me@acme.test'),
        id,
        name: { givenName: 'Petra', familyName: 'Utting' },
        displayName: 'Petra Utting',
        emails: [{ value: 'petra.utting@acme.test', type: 'work', primary: true }],
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({
        displayName: 'Petra Utting',
        emails: [{ value: 'petra.utting@acme.test' }],
      });
      expect(await spendinUser(id)).toMatchObject({ email: 'petra.utting@acme.test', full_name: 'Petra Utting' });
      const audit = (await t.as(org.admin).get(`/audit-logs?entity_id=${id}`).expect(200)).body.items as Array<{
        action: string;
        actor_id: string | null;
        actor_type: string | null;
      }>;
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.updated']));
      const keys = (await t.as(org.admin).get('/organization/api-keys').expect(200)).body.items as Array<{
        id: string;
        name: string;
      }>;
      const scimKey = keys.find((k) => k.name === 'SCIM scim')!.id;
      expect(audit.map((e) => [e.actor_type, e.actor_id])).toEqual(audit.map(() => ['api_key', scimKey]));
    });

    it('finds users made in Spendin by their e-mail, so a provider can match them', async () => {
      const made = await t.given.user(org, 'manager');
      const found = await scim().get(`/Users?filter=${encodeURIComponent(`userName eq "${made.email}"`)}`);
      expect(found.body.Resources).toEqual([
        expect.objectContaining({ id: made.id, userName: made.email, active: true }),
      ]);
      const byMail = await scim().get(
        `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${made.email}"`)}`,
      );
      expect(byMail.body.totalResults).toBe(1);
    });

    it('deletes a user by deactivating them and hiding them from SCIM; creating them again brings them back', async () => {
      const id = (await scim().post('/Users', newUser('leaver@acme.test')).expect(201)).body.id as string;
      await scim().delete(`/Users/${id}`).expect(204);
      expectScimError(await scim().get(`/Users/${id}`), 404);
      expectScimError(await scim().delete(`/Users/${id}`), 404);
      expect((await spendinUser(id)).is_active).toBe(false);
      const listed = await scim().get(`/Users?filter=${encodeURIComponent('userName eq "leaver@acme.test"')}`);
      expect(listed.body.totalResults).toBe(0);
      const back = await scim().post('/Users', newUser('leaver@acme.test')).expect(201);
      expect(back.body).toMatchObject({ id, active: true });
    });
  });

  describe('users, as Entra provisions them', () => {
    it('takes capitalised ops, string booleans and a work e-mail by value filter', async () => {
      const created = await request(t.http)
        .post('/api/v1/scim/v2/Users')
        .set(bearer(key))
        .set('Content-Type', 'application/json')
        .send({ ...newUser('entra.user@acme.test'), active: 'True', externalId: 'f3a1-entra' })
        .expect(201);
      const id = created.body.id as string;
      const off = await scim().patch(
        `/Users/${id}`,
        ops(
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'entra.renamed@acme.test' },
          { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Sales' },
          { op: 'Replace', path: 'name.givenName', value: 'Erin' },
        ),
      );
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({
        active: false,
        emails: [{ value: 'entra.renamed@acme.test' }],
        name: { givenName: 'Erin' },
      });
      expect(await spendinUser(id)).toMatchObject({ is_active: false, email: 'entra.renamed@acme.test' });
      const on = await scim().patch(`/Users/${id}`, ops({ op: 'Replace', path: 'active', value: 'True' }));
      expect(on.body.active).toBe(true);
      expectScimError(
        await scim().patch(`/Users/${id}`, ops({ op: 'Replace', path: 'active', value: 'Maybe' })),
        400,
        'invalidValue',
      );
      expect((await spendinUser(id)).is_active).toBe(true);
    });
  });

  describe('pagination', () => {
    it('pages with a 1-based startIndex and count, totalResults counting every match', async () => {
      for (let i = 0; i < 5; i++)
        await scim()
          .post('/Users', newUser(`page.${i}@acme.test`))
          .expect(201);
      const all = (await scim().get('/Users?count=200').expect(200)).body;
      expect(all.totalResults).toBe(all.Resources.length);
      expect(all.totalResults).toBeGreaterThanOrEqual(6);
      const first = (await scim().get('/Users?startIndex=1&count=2').expect(200)).body;
      const second = (await scim().get('/Users?startIndex=3&count=2').expect(200)).body;
      expect(first).toMatchObject({ totalResults: all.totalResults, startIndex: 1, itemsPerPage: 2 });
      expect(second).toMatchObject({ totalResults: all.totalResults, startIndex: 3, itemsPerPage: 2 });
      const ids = (page: { Resources: Array<{ id: string }> }) => page.Resources.map((u) => u.id);
      expect([...ids(first), ...ids(second)]).toEqual(ids(all).slice(0, 4));
      const beyond = (
        await scim()
          .get(`/Users?startIndex=${all.totalResults + 1}`)
          .expect(200)
      ).body;
      expect(beyond).toMatchObject({ totalResults: all.totalResults, itemsPerPage: 0, Resources: [] });
      // The RFC reads startIndex below 1 as 1, and a negative count as 0.
      expect((await scim().get('/Users?startIndex=0&count=-3').expect(200)).body).toMatchObject({
        startIndex: 1,
        itemsPerPage: 0,
      });
      expectScimError(await scim().get('/Users?count=ten'), 400, 'invalidValue');
    });
  });

  describe('groups mapped to teams and roles', () => {
    it('gives group members the mapped team and the highest mapped role, and reverts them when they leave', async () => {
      const team = (await t.as(org.admin).post('/teams', { name: 'Finance team' }).expect(201)).body.id as string;
      const mappings = await t.as(org.admin).put('/organization/scim/group-mappings', {
        mappings: [
          { group: 'Finance', team_id: team, role: 'finance' },
          { group: 'Managers', role: 'manager' },
        ],
      });
      expect(mappings.status).toBe(200);
      expect(mappings.body).toMatchObject({
        base_url: '/api/v1/scim/v2',
        required_scope: 'scim',
        default_role: 'employee',
      });

      const alice = (await scim().post('/Users', newUser('alice@acme.test')).expect(201)).body.id as string;
      const finance = await scim().post('/Groups', {
        schemas: [GROUP],
        displayName: 'Finance',
        members: [{ value: alice }],
      });
      expect(finance.status).toBe(201);
      expect(finance.body).toMatchObject({ displayName: 'Finance', members: [{ value: alice }] });
      expect(await spendinUser(alice)).toMatchObject({ role: 'finance', team_ids: [team] });
      const managers = (
        await scim()
          .post('/Groups', { schemas: [GROUP], displayName: 'managers' })
          .expect(201)
      ).body.id as string;
      await scim()
        .patch(`/Groups/${managers}`, ops({ op: 'add', path: 'members', value: [{ value: alice }] }))
        .expect(200);
      expect((await spendinUser(alice)).role).toBe('finance');

      const found = await scim()
        .get(`/Groups?filter=${encodeURIComponent('displayName eq "finance"')}`)
        .expect(200);
      expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([finance.body.id]);
      const slim = await scim().get(`/Groups/${finance.body.id}?excludedAttributes=members`).expect(200);
      expect(slim.body).not.toHaveProperty('members');
      expect(
        (await scim().get(`/Users/${alice}`).expect(200)).body.groups.map((g: { display: string }) => g.display),
      ).toEqual(['Finance', 'managers']);

      await scim()
        .patch(`/Groups/${finance.body.id}`, ops({ op: 'remove', path: `members[value eq "${alice}"]` }))
        .expect(200);
      expect(await spendinUser(alice)).toMatchObject({ role: 'manager', team_ids: [] });
      // Entra removes members with a value list.
      await scim()
        .patch(`/Groups/${managers}`, ops({ op: 'Remove', path: 'members', value: [{ value: alice }] }))
        .expect(200);
      expect((await spendinUser(alice)).role).toBe('employee');

      // Replacing members, and deleting the group, apply the mapping too.
      await scim()
        .patch(`/Groups/${finance.body.id}`, ops({ op: 'replace', path: 'members', value: [{ value: alice }] }))
        .expect(200);
      expect(await spendinUser(alice)).toMatchObject({ role: 'finance', team_ids: [team] });
      await scim().delete(`/Groups/${finance.body.id}`).expect(204);
      expect(await spendinUser(alice)).toMatchObject({ role: 'employee', team_ids: [] });
      expectScimError(await scim().get(`/Groups/${finance.body.id}`), 404);
    });

    it('leaves a role an admin set by hand when the user leaves a mapped group', async () => {
      const bob = (await scim().post('/Users', newUser('bob@acme.test')).expect(201)).body.id as string;
      // The group made above ("managers"), which the mapping "Managers" matches in any case.
      const found = await scim()
        .get(`/Groups?filter=${encodeURIComponent('displayName eq "Managers"')}`)
        .expect(200);
      const group = found.body.Resources[0].id as string;
      await scim()
        .patch(`/Groups/${group}`, ops({ op: 'add', path: 'members', value: [{ value: bob }] }))
        .expect(200);
      expect((await spendinUser(bob)).role).toBe('manager');
      await t.as(org.admin).patch(`/admin/users/${bob}`, { role: 'finance' }).expect(200);
      await scim()
        .patch(`/Groups/${group}`, ops({ op: 'remove', path: 'members' }))
        .expect(200);
      expect((await spendinUser(bob)).role).toBe('finance');
    });

    it('takes a deleted user out of their groups, mapped teams and mapped role', async () => {
      const team = (await t.as(org.admin).get('/teams?limit=100').expect(200)).body.items.find(
        (x: { name: string }) => x.name === 'Finance team',
      ).id as string;
      const carol = (await scim().post('/Users', newUser('carol@acme.test')).expect(201)).body.id as string;
      const group = (
        await scim()
          .post('/Groups', { schemas: [GROUP], displayName: 'Finance', members: [{ value: carol }] })
          .expect(201)
      ).body.id as string;
      expect(await spendinUser(carol)).toMatchObject({ role: 'finance', team_ids: [team] });
      await scim().delete(`/Users/${carol}`).expect(204);
      expect(await spendinUser(carol)).toMatchObject({ role: 'employee', team_ids: [], is_active: false });
      expect((await scim().get(`/Groups/${group}`).expect(200)).body.members).toEqual([]);
    });

    it('refuses duplicate group names and unknown members', async () => {
      await scim()
        .post('/Groups', { schemas: [GROUP], displayName: 'Unique' })
        .expect(201);
      expectScimError(await scim().post('/Groups', { schemas: [GROUP], displayName: 'UNIQUE' }), 409, 'uniqueness');
      expectScimError(
        await scim().post('/Groups', {
          schemas: [GROUP],
          displayName: 'Ghosts',
          members: [{ value: '00000000-0000-4000-8000-000000000000' }],
        }),
        400,
        'invalidValue',
      );
    });

    it('lets only admins read and set the mappings, in problem+json, and only with teams of their organization', async () => {
      const manager = await t.given.user(org, 'manager');
      expectProblem(await t.as(manager).get('/organization/scim'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(
        await t.as(manager).put('/organization/scim/group-mappings', { mappings: [] }),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
      expectProblem(await request(t.http).get('/api/v1/organization/scim'), 401, 'AUTHENTICATION_REQUIRED');
      const foreignTeam = (await t.as(other.admin).post('/teams', { name: 'Theirs' }).expect(201)).body.id as string;
      expectProblem(
        await t
          .as(org.admin)
          .put('/organization/scim/group-mappings', { mappings: [{ group: 'X', team_id: foreignTeam }] }),
        422,
        'SCIM_MAPPING_TEAM_NOT_FOUND',
      );
      expectProblem(
        await t.as(org.admin).put('/organization/scim/group-mappings', { mappings: [{ group: 'X', role: 'owner' }] }),
        422,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await t.as(org.admin).put('/organization/scim/group-mappings', {
          mappings: [
            { group: 'Dup', role: 'manager' },
            { group: 'dup', role: 'finance' },
          ],
        }),
        422,
        'SCIM_MAPPING_DUPLICATE',
      );
    });
  });

  describe('tenancy', () => {
    it("never shows one organization's users or groups to another's key", async () => {
      const id = (await scim().post('/Users', newUser('tenant.a@acme.test')).expect(201)).body.id as string;
      const group = (
        await scim()
          .post('/Groups', { schemas: [GROUP], displayName: 'Tenant A' })
          .expect(201)
      ).body.id as string;
      const list = await scim(otherKey).get(`/Users?filter=${encodeURIComponent('userName eq "tenant.a@acme.test"')}`);
      expect(list.body).toMatchObject({ totalResults: 0, Resources: [] });
      const everyone = (await scim(otherKey).get('/Users?count=200').expect(200)).body.Resources as Array<{
        id: string;
      }>;
      expect(everyone.map((u) => u.id)).not.toContain(id);
      expectScimError(await scim(otherKey).get(`/Users/${id}`), 404);
      expectScimError(
        await scim(otherKey).patch(`/Users/${id}`, ops({ op: 'replace', value: { active: false } })),
        404,
      );
      expectScimError(await scim(otherKey).put(`/Users/${id}`, newUser('tenant.a@acme.test')), 404);
      expectScimError(await scim(otherKey).delete(`/Users/${id}`), 404);
      expectScimError(await scim(otherKey).get(`/Groups/${group}`), 404);
      expectScimError(
        await scim(otherKey).post('/Groups', { schemas: [GROUP], displayName: 'Steal', members: [{ value: id }] }),
        400,
        'invalidValue',
      );
      expect((await spendinUser(id)).is_active).toBe(true);
      // The same e-mail may exist in both organizations.
      await scim(otherKey).post('/Users', newUser('tenant.a@acme.test')).expect(201);
    });
  });

  describe('malformed requests', () => {
    it('answers SCIM errors with the scimType that says why', async () => {
      const raw = (body: string, type = 'application/scim+json') =>
        request(t.http).post('/api/v1/scim/v2/Users').set(bearer(key)).set('Content-Type', type).send(body);
      expectScimError(await raw('{"userName": '), 400, 'invalidSyntax');
      expectScimError(await raw('{"userName": "x@acme.test"}', 'text/plain'), 400, 'invalidSyntax');
      expectScimError(await raw('[1, 2]'), 400, 'invalidSyntax');
      expectScimError(await scim().post('/Users', { schemas: [USER] }), 400, 'invalidValue');
      expectScimError(await scim().post('/Users', newUser('not-an-address', { emails: [] })), 400, 'invalidValue');
      expectScimError(await scim().post('/Users', { schemas: [USER], userName: ['a'] }), 400, 'invalidValue');
      expectScimError(
        await scim().get(`/Users?filter=${encodeURIComponent('userName eq "a" or userName eq "b"')}`),
        400,
        'invalidFilter',
      );
      expectScimError(await scim().get(`/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
      expectScimError(await scim().get(`/Users?filter=${encodeURIComponent('title co "x"')}`), 400, 'invalidFilter');
      const id = (await scim().post('/Users', newUser('patched@acme.test')).expect(201)).body.id as string;
      expectScimError(
        await scim().patch(`/Users/${id}`, { Operations: [{ op: 'replace', value: {} }] }),
        400,
        'invalidSyntax',
      );
      expectScimError(await scim().patch(`/Users/${id}`, ops({ op: 'jump', path: 'active' })), 400, 'invalidSyntax');
      expectScimError(await scim().patch(`/Users/${id}`, ops({ op: 'remove' })), 400, 'noTarget');
      expectScimError(
        await scim().patch(`/Users/${id}`, ops({ op: 'replace', path: 'emails[type eq', value: 'x' })),
        400,
        'invalidPath',
      );
      expectScimError(
        await scim().patch(`/Users/${id}`, ops({ op: 'replace', path: 'id', value: 'x' })),
        400,
        'mutability',
      );
      expectScimError(await scim().get('/Users/not-a-uuid'), 404);
      expectScimError(await scim().get('/Nothing'), 404);
      expect((await spendinUser(id)).is_active).toBe(true);
    });

    it('answers random bodies and filters with a SCIM answer, never a 5xx', async () => {
      const id = (await scim().post('/Users', newUser('fuzzed@acme.test')).expect(201)).body.id as string;
      const group = (
        await scim()
          .post('/Groups', { schemas: [GROUP], displayName: 'Fuzzed' })
          .expect(201)
      ).body.id as string;
      const value = fc.jsonValue({ maxDepth: 4 });
      const operation = fc.record(
        {
          op: fc.oneof(fc.constantFrom('add', 'Replace', 'remove'), fc.string()),
          path: fc.oneof(
            fc.constantFrom(
              'active',
              'emails[type eq "work"].value',
              'members',
              'name.givenName',
              'members[value eq "x"]',
            ),
            fc.string(),
          ),
          value,
        },
        { requiredKeys: [] },
      );
      const samples = fc.sample(
        fc.oneof(
          fc.record({ method: fc.constant('post'), path: fc.constantFrom('/Users', '/Groups'), body: value }),
          fc.record({
            method: fc.constant('patch'),
            path: fc.constantFrom(`/Users/${id}`, `/Groups/${group}`),
            body: fc.oneof(
              value,
              fc.array(operation, { maxLength: 4 }).map((Operations) => ({ schemas: [PATCH], Operations })),
            ),
          }),
          fc.record({
            method: fc.constant('get'),
            path: fc.string({ maxLength: 60 }).map((f) => `/Users?filter=${encodeURIComponent(f)}`),
            body: fc.constant(null),
          }),
        ),
        { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
      );
      const wrong: string[] = [];
      for (const { method, path, body } of samples) {
        const call = scim() as unknown as Record<string, (path: string, body?: unknown) => request.Test>;
        const response = await call[method](path, body);
        const where = `${method.toUpperCase()} ${path} ${JSON.stringify(body).slice(0, 200)} → ${response.status}`;
        if (response.status >= 500) wrong.push(where);
        else if (response.status >= 400 && response.body?.schemas?.[0] !== ERROR)
          wrong.push(`${where}: not a SCIM error`);
        else if (!String(response.headers['content-type']).startsWith('application/scim+json'))
          wrong.push(`${where}: not application/scim+json`);
      }
      expect(wrong.slice(0, 20)).toEqual([]);
    });
  });
});
