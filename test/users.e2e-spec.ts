import request from 'supertest';
import type { Role } from '../src/common/auth/roles';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';
import type { TestOrganization, TestUser } from './helpers/given';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const PASSWORD = 'a-long-enough-password';

interface Listed {
  total: number;
  items: Array<{ id: string; [field: string]: unknown }>;
  next_cursor: string | null;
}

describe('Users and teams: who is in the organization and how they are organized', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
  });
  afterAll(() => t.close());

  /** Requests on behalf of one caller (its bearer token) against the versioned API. */
  const as = (caller: { accessToken: string }) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set(bearer(caller.accessToken)),
    post: (path: string, body: object) =>
      request(t.http).post(`/api/v1${path}`).set(bearer(caller.accessToken)).send(body),
    patch: (path: string, body: object) =>
      request(t.http).patch(`/api/v1${path}`).set(bearer(caller.accessToken)).send(body),
    put: (path: string) => request(t.http).put(`/api/v1${path}`).set(bearer(caller.accessToken)),
    delete: (path: string) => request(t.http).delete(`/api/v1${path}`).set(bearer(caller.accessToken)),
  });

  const userRow = async (id: string) => {
    const [row] = await t.dataSource.query(
      `SELECT full_name, role, manager_id, is_active, deactivated_at FROM users WHERE id = $1`,
      [id],
    );
    return row;
  };
  const auditActions = async (organizationId: string, entityId: string): Promise<string[]> => {
    const rows: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`,
      [organizationId, entityId],
    );
    return rows.map((r) => r.action);
  };
  /** The distinct fields named by a validation problem, sorted. */
  const fieldsOf = (errors: Array<{ field: string }>) => [...new Set(errors.map((e) => e.field))].sort();
  const uniqueEmail = (name: string) => `${name}.${Math.random().toString(16).slice(2, 10)}@example.test`;

  /** Follows `next_cursor` from the first page until the list says there is no more. */
  const followCursor = async (caller: TestUser, path: string): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let pages = 0;
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const response = await as(caller)
        .get(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path)
        .expect(200);
      const page = response.body as Listed;
      ids.push(...page.items.map((item) => item.id));
      cursor = page.next_cursor;
      pages += 1;
      if (pages > 50) throw new Error('next_cursor never ran out');
    } while (cursor !== null);
    return { ids, pages };
  };

  describe("one's own user: /users/me", () => {
    it.each<Role>(['employee', 'manager', 'finance', 'admin'])('shows a(n) %s their own user', async (role) => {
      const user = role === 'admin' ? acme.admin : await t.given.user(acme, role, { full_name: `Own ${role}` });
      const response = await as(user).get('/users/me').expect(200);
      expect(response.body).toEqual({
        id: user.id,
        email: user.email,
        full_name: role === 'admin' ? expect.any(String) : `Own ${role}`,
        role,
        manager_id: null,
        organization_id: acme.id,
        team_ids: [],
        is_active: true,
        email_notifications: true,
        has_password: true,
        must_change_password: false,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      });
    });

    it('shows the manager a user reports to', async () => {
      const manager = await t.given.user(acme, 'manager');
      const report = await t.given.user(acme, 'employee', { manager_id: manager.id });
      const response = await as(report).get('/users/me').expect(200);
      expect(response.body.manager_id).toBe(manager.id);
    });

    it('lets anyone change their own name and turn e-mail notifications off, and audits it', async () => {
      const user = await t.given.user(acme, 'employee', { full_name: 'Jane Doe' });
      const response = await as(user)
        .patch('/users/me', { full_name: '  Jane Q. Doe  ', email_notifications: false })
        .expect(200);
      expect(response.body).toMatchObject({
        id: user.id,
        full_name: 'Jane Q. Doe',
        email_notifications: false,
        role: 'employee',
      });
      const again = await as(user).get('/users/me').expect(200);
      expect(again.body).toMatchObject({ full_name: 'Jane Q. Doe', email_notifications: false });

      const [audit] = await t.dataSource.query(
        `SELECT actor_id, metadata FROM audit_logs WHERE entity_id = $1 AND action = 'user.updated'`,
        [user.id],
      );
      expect(audit).toEqual({
        actor_id: user.id,
        metadata: {
          changes: {
            full_name: { from: 'Jane Doe', to: 'Jane Q. Doe' },
            email_notifications: { from: true, to: false },
          },
        },
      });
    });

    it('refuses unknown fields and fields only an admin may change', async () => {
      const user = await t.given.user(acme, 'employee');
      const unknown = await as(user).patch('/users/me', { nickname: 'JD' });
      expectProblem(unknown, 422, 'VALIDATION_FAILED');
      expect(unknown.body.errors).toEqual([{ field: 'nickname', message: 'is not a recognised field' }]);

      const promotion = await as(user).patch('/users/me', { role: 'admin', email: 'mine@example.test' });
      expectProblem(promotion, 422, 'VALIDATION_FAILED');
      expect(promotion.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'role', message: 'is not a recognised field' },
          { field: 'email', message: 'is not a recognised field' },
        ]),
      );
      expect(await userRow(user.id)).toMatchObject({ role: 'employee' });
    });

    it('refuses a blank name and a non-boolean preference', async () => {
      const user = await t.given.user(acme, 'employee', { full_name: 'Kept Name' });
      const blank = await as(user).patch('/users/me', { full_name: '   ' });
      expectProblem(blank, 422, 'VALIDATION_FAILED');
      expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'full_name' })]);
      const notBoolean = await as(user).patch('/users/me', { email_notifications: 'no' });
      expectProblem(notBoolean, 422, 'VALIDATION_FAILED');
      expect(notBoolean.body.errors).toEqual([expect.objectContaining({ field: 'email_notifications' })]);
      expect(await userRow(user.id)).toMatchObject({ full_name: 'Kept Name' });
    });
  });

  describe('listing users (admin)', () => {
    // A separate organization, so that totals count only the users made here.
    let org: TestOrganization;
    let ada: TestUser;
    let grace: TestUser;
    let alan: TestUser;
    let linus: TestUser;
    let marked: { id: string };

    beforeAll(async () => {
      org = await t.given.organization('Listing Ltd');
      ada = await t.given.user(org, 'employee', { full_name: 'Ada Lovelace' });
      grace = await t.given.user(org, 'manager', { full_name: 'Grace Hopper' });
      alan = await t.given.user(org, 'finance', { full_name: 'alan turing' });
      linus = await t.given.user(org, 'employee', { full_name: 'Linus Torvalds' });
      await as(org.admin).delete(`/admin/users/${linus.id}`).expect(200);
      marked = (
        await as(org.admin)
          .post('/admin/users', { email: uniqueEmail('Zebra-Mark'), full_name: 'Plain Name', role: 'employee' })
          .expect(201)
      ).body;
    });

    const list = (query = '') => as(org.admin).get(`/admin/users${query}`);

    it('lists everyone in the organization, newest first, and nobody from elsewhere', async () => {
      const response = await list().expect(200);
      expect(response.body.total).toBe(6);
      expect(response.body.next_cursor).toBeNull();
      const ids = response.body.items.map((u: { id: string }) => u.id);
      expect(ids).toEqual(expect.arrayContaining([org.admin.id, ada.id, grace.id, alan.id, linus.id, marked.id]));
      expect(ids).not.toContain(acme.admin.id);
      expect(response.body.items[0]).toMatchObject({ id: marked.id, organization_id: org.id, has_password: false });
      const created = response.body.items.map((u: { created_at: string }) => u.created_at);
      expect([...created].sort().reverse()).toEqual(created);
    });

    it('filters by role', async () => {
      const response = await list('?role=manager').expect(200);
      expect(response.body).toMatchObject({ total: 1, items: [{ id: grace.id, role: 'manager' }], next_cursor: null });
      const employees = await list('?role=employee').expect(200);
      expect(employees.body.items.map((u: { id: string }) => u.id).sort()).toEqual(
        [ada.id, linus.id, marked.id].sort(),
      );
    });

    it('filters by active and deactivated users', async () => {
      const inactive = await list('?is_active=false').expect(200);
      expect(inactive.body).toMatchObject({ total: 1, items: [{ id: linus.id, is_active: false }] });
      const active = await list('?is_active=true').expect(200);
      expect(active.body.total).toBe(5);
      expect(active.body.items.map((u: { id: string }) => u.id)).not.toContain(linus.id);
    });

    it('finds users by a part of their name or e-mail, ignoring case', async () => {
      const byName = await list('?q=HOPPER').expect(200);
      expect(byName.body).toMatchObject({ total: 1, items: [{ id: grace.id }] });
      const byLowerCaseName = await list('?q=Turing').expect(200);
      expect(byLowerCaseName.body).toMatchObject({ total: 1, items: [{ id: alan.id }] });
      const byEmail = await list('?q=zebra-MARK').expect(200);
      expect(byEmail.body).toMatchObject({ total: 1, items: [{ id: marked.id, full_name: 'Plain Name' }] });
      const everyTestUser = await list('?q=example.test').expect(200);
      expect(everyTestUser.body.total).toBe(6);
    });

    it('treats LIKE wildcards in q as plain characters', async () => {
      for (const wildcard of ['%', '_', '\\']) {
        const response = await list(`?q=${encodeURIComponent(wildcard)}`).expect(200);
        expect({ wildcard, total: response.body.total }).toEqual({ wildcard, total: 0 });
      }
    });

    it('combines filters with AND', async () => {
      const response = await list('?role=employee&is_active=true&q=ada').expect(200);
      expect(response.body).toMatchObject({ total: 1, items: [{ id: ada.id }] });
      const none = await list('?role=finance&q=hopper').expect(200);
      expect(none.body).toEqual({ total: 0, items: [], next_cursor: null });
    });

    it('pages with limit and offset, counting every match in total', async () => {
      const all = (await list('?limit=100').expect(200)).body as Listed;
      const first = (await list('?limit=4').expect(200)).body as Listed;
      expect(first.total).toBe(6);
      expect(first.items.map((u) => u.id)).toEqual(all.items.slice(0, 4).map((u) => u.id));
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = (await list('?limit=4&offset=4').expect(200)).body as Listed;
      expect(second).toMatchObject({ total: 6, next_cursor: null });
      expect(second.items.map((u) => u.id)).toEqual(all.items.slice(4).map((u) => u.id));
      const past = (await list('?limit=4&offset=10').expect(200)).body as Listed;
      expect(past).toEqual({ total: 6, items: [], next_cursor: null });
    });

    it('pages by keyset cursor: following next_cursor visits everyone once, in order', async () => {
      const all = (await list('?limit=100').expect(200)).body as Listed;
      const walked = await followCursor(org.admin, '/admin/users?limit=2');
      expect(walked.ids).toEqual(all.items.map((u) => u.id));
      expect(new Set(walked.ids).size).toBe(6);
      expect(walked.pages).toBeGreaterThanOrEqual(3);
    });

    it('keeps the filter while following the cursor, and ignores offset once a cursor is given', async () => {
      const walked = await followCursor(org.admin, '/admin/users?limit=1&is_active=true&offset=3');
      const active = (await list('?is_active=true&limit=100').expect(200)).body as Listed;
      // The first page honours offset; every page after it follows the cursor alone.
      expect(walked.ids).toEqual(active.items.slice(3).map((u) => u.id));
    });

    it('refuses a cursor it did not issue with 422 INVALID_CURSOR', async () => {
      expectProblem(await list('?cursor=not-a-cursor'), 422, 'INVALID_CURSOR');
      const wrongShape = Buffer.from(JSON.stringify([1, 2])).toString('base64url');
      expectProblem(await list(`?cursor=${wrongShape}`), 422, 'INVALID_CURSOR');
      for (const key of [
        ['yesterday', 'someone'],
        ['2026-02-30T00:00:00.000Z', UNKNOWN_ID],
      ]) {
        const tampered = Buffer.from(JSON.stringify(key)).toString('base64url');
        expectProblem(await list(`?cursor=${tampered}`), 422, 'INVALID_CURSOR');
      }
    });

    it('refuses limits outside 1..100, a negative offset and unknown filter values', async () => {
      for (const query of ['?limit=0', '?limit=101', '?limit=ten']) {
        const response = await list(query);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['limit']);
      }
      expect((await list('?offset=-1')).body.errors).toEqual([expect.objectContaining({ field: 'offset' })]);
      const badFilters = await list('?role=boss&is_active=maybe');
      expectProblem(badFilters, 422, 'VALIDATION_FAILED');
      expect(badFilters.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'role', message: 'must be one of employee, manager, finance, admin, accountant' },
          { field: 'is_active', message: 'must be true or false' },
        ]),
      );
      const unknown = await list('?sort=name');
      expectProblem(unknown, 422, 'VALIDATION_FAILED');
      expect(unknown.body.errors).toEqual([{ field: 'sort', message: 'is not a recognised field' }]);
    });
  });

  describe('creating users (admin)', () => {
    it('creates a user: 201 with the stored, lower-cased e-mail, and the user can log in', async () => {
      const email = uniqueEmail('New.Hire');
      const response = await as(acme.admin)
        .post('/admin/users', {
          email: `  ${email.toUpperCase()} `,
          full_name: ' New Hire ',
          role: 'manager',
          password: PASSWORD,
          manager_id: acme.admin.id,
        })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        email: email.toLowerCase(),
        full_name: 'New Hire',
        role: 'manager',
        manager_id: acme.admin.id,
        organization_id: acme.id,
        team_ids: [],
        is_active: true,
        email_notifications: true,
        has_password: true,
        must_change_password: false,
        created_at: expect.stringMatching(ISO_TIMESTAMP),
      });
      const fetched = await as(acme.admin).get(`/admin/users/${response.body.id}`).expect(200);
      expect(fetched.body).toEqual(response.body);
      expect(await auditActions(acme.id, response.body.id)).toEqual(['user.created']);

      const tokens = await t.given.login(email, PASSWORD);
      const me = await as(tokens).get('/users/me').expect(200);
      expect(me.body.id).toBe(response.body.id);
    });

    it('creates a user without a password or manager', async () => {
      const response = await as(acme.admin)
        .post('/admin/users', { email: uniqueEmail('nopass'), full_name: 'No Pass', role: 'employee' })
        .expect(201);
      expect(response.body).toMatchObject({ has_password: false, manager_id: null, role: 'employee' });
    });

    it('refuses an e-mail already in use in the organization, whatever its case', async () => {
      const existing = await t.given.user(acme, 'employee');
      const attempt = (email: string, admin: TestUser) =>
        as(admin).post('/admin/users', { email, full_name: 'Copy Cat', role: 'employee' });
      expectProblem(await attempt(existing.email, acme.admin), 409, 'EMAIL_TAKEN');
      expectProblem(await attempt(existing.email.toUpperCase(), acme.admin), 409, 'EMAIL_TAKEN');
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM users WHERE email = $1`, [
        existing.email,
      ]);
      expect(count).toBe(1);
    });

    it("answers another organization's admin exactly as for an address nobody has: it does not tell that the address exists elsewhere", async () => {
      const existing = await t.given.user(acme, 'employee');
      const taken = await as(globex.admin).post('/admin/users', {
        email: existing.email,
        full_name: 'Same Address',
        role: 'employee',
      });
      const fresh = await as(globex.admin).post('/admin/users', {
        email: uniqueEmail('fresh'),
        full_name: 'Same Address',
        role: 'employee',
      });
      expect(taken.status).toBe(201);
      const shape = (body: Record<string, unknown>) => ({
        ...body,
        id: typeof body.id,
        email: typeof body.email,
        created_at: typeof body.created_at,
      });
      expect(shape(taken.body)).toEqual(shape(fresh.body));
      expect(taken.body.organization_id).toBe(globex.id);
      // Two users now, one per organization; each admin sees only their own.
      expect(
        (
          await as(acme.admin)
            .get(`/admin/users?q=${encodeURIComponent(existing.email)}`)
            .expect(200)
        ).body.items.map((u: { id: string }) => u.id),
      ).toEqual([existing.id]);
      expect(
        (
          await as(globex.admin)
            .get(`/admin/users?q=${encodeURIComponent(existing.email)}`)
            .expect(200)
        ).body.items.map((u: { id: string }) => u.id),
      ).toEqual([taken.body.id]);
    });

    it('answers exactly one 201 when the same e-mail is created twice at once', async () => {
      const email = uniqueEmail('race');
      const body = { email, full_name: 'Racer', role: 'employee' };
      const [a, b] = await Promise.all([
        as(acme.admin).post('/admin/users', body),
        as(acme.admin).post('/admin/users', body),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expectProblem(a.status === 409 ? a : b, 409, 'EMAIL_TAKEN');
    });

    it('refuses an invalid role, e-mail and short password with one error per field', async () => {
      const response = await as(acme.admin).post('/admin/users', {
        email: 'not-an-email',
        full_name: 'Bad Input',
        role: 'boss',
        password: 'short',
      });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'email', message: 'must be an e-mail address' },
          { field: 'role', message: 'must be one of employee, manager, finance, admin, accountant' },
          expect.objectContaining({ field: 'password' }),
        ]),
      );
      expect(fieldsOf(response.body.errors)).toEqual(['email', 'password', 'role']);
    });

    it('names every missing required field', async () => {
      const response = await as(acme.admin).post('/admin/users', {});
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'email', message: 'is required' },
          { field: 'full_name', message: 'is required' },
          { field: 'role', message: 'is required' },
        ]),
      );
    });

    it('refuses a manager from another organization, an unknown one and a deactivated one with 422 MANAGER_NOT_FOUND', async () => {
      const outsider = await t.given.user(globex, 'manager');
      const gone = await t.given.user(acme, 'manager');
      await as(acme.admin).delete(`/admin/users/${gone.id}`).expect(200);
      for (const managerId of [outsider.id, UNKNOWN_ID, gone.id]) {
        const email = uniqueEmail('orphan');
        const response = await as(acme.admin).post('/admin/users', {
          email,
          full_name: 'Orphan',
          role: 'employee',
          manager_id: managerId,
        });
        expectProblem(response, 422, 'MANAGER_NOT_FOUND');
        expect(response.body.errors).toEqual([
          { field: 'manager_id', message: 'must name an active user of this organization' },
        ]);
        expect(await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email])).toEqual([]);
      }
    });
  });

  describe('who may manage users', () => {
    it.each<Role>(['employee', 'manager', 'finance'])(
      'refuses a(n) %s with 403 INSUFFICIENT_PERMISSIONS',
      async (role) => {
        const caller = await t.given.user(acme, role);
        const target = await t.given.user(acme, 'employee', { full_name: 'Untouched' });
        const email = uniqueEmail('sneaky');
        expectProblem(await as(caller).get('/admin/users'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(
          await as(caller).post('/admin/users', { email, full_name: 'Sneaky', role: 'admin', password: PASSWORD }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(await as(caller).get(`/admin/users/${target.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(
          await as(caller).patch(`/admin/users/${target.id}`, { full_name: 'Changed' }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(
          await as(caller).patch(`/admin/users/${caller.id}`, { role: 'admin' }),
          403,
          'INSUFFICIENT_PERMISSIONS',
        );
        expectProblem(await as(caller).delete(`/admin/users/${target.id}`), 403, 'INSUFFICIENT_PERMISSIONS');

        expect(await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email])).toEqual([]);
        expect(await userRow(target.id)).toMatchObject({ full_name: 'Untouched', is_active: true });
        expect(await userRow(caller.id)).toMatchObject({ role });
      },
    );

    it('refuses a caller without a token with 401', async () => {
      expectProblem(await request(t.http).get('/api/v1/admin/users'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(
        await request(t.http)
          .post('/api/v1/admin/users')
          .send({ email: uniqueEmail('anon'), full_name: 'Anon', role: 'admin' }),
        401,
        'AUTHENTICATION_REQUIRED',
      );
    });

    it("ends the user's sessions on a role change: the old token stops at once, a new login carries the new role", async () => {
      const user = await t.given.user(acme, 'employee');
      expectProblem(await as(user).get('/admin/users'), 403, 'INSUFFICIENT_PERMISSIONS');
      await as(acme.admin).patch(`/admin/users/${user.id}`, { role: 'admin' }).expect(200);
      expectProblem(await as(user).get('/admin/users'), 401, 'INVALID_TOKEN');
      const promoted = await t.given.login(user.email, user.password);
      await as(promoted).get('/admin/users').expect(200);
      await as(acme.admin).patch(`/admin/users/${user.id}`, { role: 'finance' }).expect(200);
      expectProblem(await as(promoted).get('/admin/users'), 401, 'INVALID_TOKEN');
      expectProblem(
        await as(await t.given.login(user.email, user.password)).get('/admin/users'),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );
    });
  });

  describe("tenancy: another organization's users do not exist", () => {
    it('answers 404 USER_NOT_FOUND to get, change or delete a user of another organization, and changes nothing', async () => {
      const foreign = await t.given.user(globex, 'employee', { full_name: 'Globex Person' });
      expectProblem(await as(acme.admin).get(`/admin/users/${foreign.id}`), 404, 'USER_NOT_FOUND');
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${foreign.id}`, { full_name: 'Hijacked', role: 'admin' }),
        404,
        'USER_NOT_FOUND',
      );
      expectProblem(await as(acme.admin).delete(`/admin/users/${foreign.id}`), 404, 'USER_NOT_FOUND');
      expect(await userRow(foreign.id)).toMatchObject({
        full_name: 'Globex Person',
        role: 'employee',
        is_active: true,
      });
      await as(foreign).get('/users/me').expect(200);
    });

    it('answers the same 404 for an id that exists nowhere', async () => {
      const response = await as(acme.admin).get(`/admin/users/${UNKNOWN_ID}`);
      expectProblem(response, 404, 'USER_NOT_FOUND');
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${UNKNOWN_ID}`, { full_name: 'Nobody' }),
        404,
        'USER_NOT_FOUND',
      );
      expectProblem(await as(acme.admin).delete(`/admin/users/${UNKNOWN_ID}`), 404, 'USER_NOT_FOUND');
    });

    it('refuses an id that is not a UUID with 422 VALIDATION_FAILED', async () => {
      for (const response of [
        await as(acme.admin).get('/admin/users/not-a-uuid'),
        await as(acme.admin).patch('/admin/users/not-a-uuid', { full_name: 'X' }),
        await as(acme.admin).delete('/admin/users/not-a-uuid'),
      ]) {
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      }
    });
  });

  describe('changing users (admin)', () => {
    it('changes a role and audits the change as user.role_changed', async () => {
      const user = await t.given.user(acme, 'employee');
      const response = await as(acme.admin).patch(`/admin/users/${user.id}`, { role: 'finance' }).expect(200);
      expect(response.body).toMatchObject({ id: user.id, role: 'finance' });
      expect(await userRow(user.id)).toMatchObject({ role: 'finance' });
      const [audit] = await t.dataSource.query(
        `SELECT actor_id, metadata FROM audit_logs WHERE entity_id = $1 AND action = 'user.role_changed'`,
        [user.id],
      );
      expect(audit).toEqual({ actor_id: acme.admin.id, metadata: { from: 'employee', to: 'finance' } });
      expect(await auditActions(acme.id, user.id)).toEqual(
        expect.arrayContaining(['user.updated', 'user.role_changed']),
      );
    });

    it('changes the name without touching anything else, and does not claim a role change', async () => {
      const user = await t.given.user(acme, 'manager', { full_name: 'Old Name' });
      const response = await as(acme.admin).patch(`/admin/users/${user.id}`, { full_name: 'New Name' }).expect(200);
      expect(response.body).toMatchObject({ full_name: 'New Name', role: 'manager', is_active: true });
      expect(await auditActions(acme.id, user.id)).not.toContain('user.role_changed');
    });

    it('sets a manager and clears it with null', async () => {
      const manager = await t.given.user(acme, 'manager');
      const user = await t.given.user(acme, 'employee');
      const set = await as(acme.admin).patch(`/admin/users/${user.id}`, { manager_id: manager.id }).expect(200);
      expect(set.body.manager_id).toBe(manager.id);
      expect(await userRow(user.id)).toMatchObject({ manager_id: manager.id });
      const cleared = await as(acme.admin).patch(`/admin/users/${user.id}`, { manager_id: null }).expect(200);
      expect(cleared.body.manager_id).toBeNull();
      expect(await userRow(user.id)).toMatchObject({ manager_id: null });
    });

    it('refuses to make someone report to their own (indirect) report with 422 MANAGER_CYCLE', async () => {
      // chief <- lead <- worker
      const chief = await t.given.user(acme, 'manager');
      const lead = await t.given.user(acme, 'manager', { manager_id: chief.id });
      const worker = await t.given.user(acme, 'employee', { manager_id: lead.id });
      for (const managerId of [worker.id, lead.id]) {
        const response = await as(acme.admin).patch(`/admin/users/${chief.id}`, { manager_id: managerId });
        expectProblem(response, 422, 'MANAGER_CYCLE');
        expect(response.body.errors).toEqual([
          { field: 'manager_id', message: 'would make the user their own (indirect) manager' },
        ]);
      }
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${lead.id}`, { manager_id: worker.id }),
        422,
        'MANAGER_CYCLE',
      );
      expect(await userRow(chief.id)).toMatchObject({ manager_id: null });
      expect(await userRow(lead.id)).toMatchObject({ manager_id: chief.id });
      // Moving down a branch that does not loop back is fine.
      const peer = await t.given.user(acme, 'manager');
      await as(acme.admin).patch(`/admin/users/${chief.id}`, { manager_id: peer.id }).expect(200);
    });

    it('refuses to make someone their own manager with 422 MANAGER_CYCLE', async () => {
      const user = await t.given.user(acme, 'manager');
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${user.id}`, { manager_id: user.id }),
        422,
        'MANAGER_CYCLE',
      );
      expect(await userRow(user.id)).toMatchObject({ manager_id: null });
    });

    it('refuses a manager of another organization or an unknown one with 422 MANAGER_NOT_FOUND', async () => {
      const user = await t.given.user(acme, 'employee');
      const outsider = await t.given.user(globex, 'manager');
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${user.id}`, { manager_id: outsider.id }),
        422,
        'MANAGER_NOT_FOUND',
      );
      expectProblem(
        await as(acme.admin).patch(`/admin/users/${user.id}`, { manager_id: UNKNOWN_ID }),
        422,
        'MANAGER_NOT_FOUND',
      );
      expect(await userRow(user.id)).toMatchObject({ manager_id: null });
    });

    it('refuses bad values and fields that cannot be changed', async () => {
      const user = await t.given.user(acme, 'employee');
      const response = await as(acme.admin).patch(`/admin/users/${user.id}`, {
        role: 'boss',
        manager_id: 'nope',
        is_active: 'yes',
        password: 'short',
        email: 'other@example.test',
      });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(fieldsOf(response.body.errors)).toEqual(['email', 'is_active', 'manager_id', 'password', 'role']);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([{ field: 'email', message: 'is not a recognised field' }]),
      );
    });
  });

  describe('the last active admin', () => {
    let org: TestOrganization;

    beforeAll(async () => {
      org = await t.given.organization('Solo Admin Inc');
    });

    it('cannot demote or deactivate themselves when they are the only admin: 409 LAST_ADMIN', async () => {
      const self = `/admin/users/${org.admin.id}`;
      expectProblem(await as(org.admin).patch(self, { role: 'finance' }), 409, 'LAST_ADMIN');
      expectProblem(await as(org.admin).patch(self, { is_active: false }), 409, 'LAST_ADMIN');
      expectProblem(await as(org.admin).delete(self), 409, 'LAST_ADMIN');
      expect(await userRow(org.admin.id)).toMatchObject({ role: 'admin', is_active: true });
      await as(org.admin).get('/admin/users').expect(200);
    });

    it('does not count a deactivated admin as another admin', async () => {
      const former = await t.given.user(org, 'admin');
      await as(org.admin).delete(`/admin/users/${former.id}`).expect(200);
      expectProblem(await as(org.admin).patch(`/admin/users/${org.admin.id}`, { role: 'employee' }), 409, 'LAST_ADMIN');
    });

    it('does not count an admin who cannot log in (no password, no identity link) as another admin', async () => {
      const solo = await t.given.organization('Paper Admin Ltd');
      const paper = await as(solo.admin)
        .post('/admin/users', { email: uniqueEmail('paper.admin'), full_name: 'Paper Admin', role: 'admin' })
        .expect(201);
      expect(paper.body).toMatchObject({ role: 'admin', is_active: true, has_password: false });
      expectProblem(
        await as(solo.admin).patch(`/admin/users/${solo.admin.id}`, { role: 'employee' }),
        409,
        'LAST_ADMIN',
      );
      expectProblem(
        await as(solo.admin).patch(`/admin/users/${solo.admin.id}`, { is_active: false }),
        409,
        'LAST_ADMIN',
      );
      expectProblem(await as(solo.admin).delete(`/admin/users/${solo.admin.id}`), 409, 'LAST_ADMIN');
      expect(await userRow(solo.admin.id)).toMatchObject({ role: 'admin', is_active: true });
      // The admin without a credential may go: the one who can log in stays.
      await as(solo.admin).delete(`/admin/users/${paper.body.id}`).expect(200);
      // Once the second admin has a password, the first may step down.
      const real = await t.given.user(solo, 'admin');
      await as(solo.admin).patch(`/admin/users/${solo.admin.id}`, { role: 'employee' }).expect(200);
      await as(real).get('/admin/users').expect(200);
    });

    it('can step down once a second admin exists, who then is the last one', async () => {
      const employee = await t.given.user(org, 'employee');
      await as(org.admin).patch(`/admin/users/${employee.id}`, { role: 'admin' }).expect(200);
      // The promotion ended the employee's sessions: the successor logs in as an admin.
      const successor = { ...employee, ...(await t.given.login(employee.email, employee.password)) };
      const stepped = await as(org.admin).patch(`/admin/users/${org.admin.id}`, { role: 'finance' }).expect(200);
      expect(stepped.body.role).toBe('finance');
      // Stepping down ended the former admin's own sessions too.
      expectProblem(await as(org.admin).get('/admin/users'), 401, 'INVALID_TOKEN');
      expectProblem(
        await as(await t.given.login(org.admin.email, org.admin.password)).get('/admin/users'),
        403,
        'INSUFFICIENT_PERMISSIONS',
      );

      expectProblem(await as(successor).delete(`/admin/users/${successor.id}`), 409, 'LAST_ADMIN');
      // Promoting another admin lets the successor leave.
      await as(successor).patch(`/admin/users/${org.admin.id}`, { role: 'admin' }).expect(200);
      await as(successor).delete(`/admin/users/${successor.id}`).expect(200);
      expect(await userRow(successor.id)).toMatchObject({ role: 'admin', is_active: false });
    });
  });

  describe('deactivating users (soft delete)', () => {
    it('deactivates: 200 "Deleted successfully", the row and its history stay, and the user shows as inactive', async () => {
      const user = await t.given.user(acme, 'employee', { full_name: 'Leaving Soon' });
      const response = await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
      expect(response.body).toEqual({ message: 'Deleted successfully' });

      expect(await userRow(user.id)).toEqual({
        full_name: 'Leaving Soon',
        role: 'employee',
        manager_id: null,
        is_active: false,
        deactivated_at: expect.any(Date),
      });
      expect(await auditActions(acme.id, user.id)).toEqual(
        expect.arrayContaining(['user.created', 'user.deactivated']),
      );
      const fetched = await as(acme.admin).get(`/admin/users/${user.id}`).expect(200);
      expect(fetched.body).toMatchObject({ id: user.id, email: user.email, is_active: false });
    });

    it("stops the user's token and login at once", async () => {
      const user = await t.given.user(acme, 'manager');
      await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
      expectProblem(await as(user).get('/users/me'), 401, 'INVALID_TOKEN');
      const login = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password });
      expectProblem(login, 401, 'INVALID_CREDENTIALS');
    });

    it('is idempotent: deleting a deactivated user again answers 200 and audits nothing new', async () => {
      const user = await t.given.user(acme, 'employee');
      await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
      const again = await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
      expect(again.body).toEqual({ message: 'Deleted successfully' });
      expect((await auditActions(acme.id, user.id)).filter((a) => a === 'user.deactivated')).toHaveLength(1);
    });

    it('reactivates with PATCH is_active: true, after which the user can log in again', async () => {
      const user = await t.given.user(acme, 'employee');
      await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
      const response = await as(acme.admin).patch(`/admin/users/${user.id}`, { is_active: true }).expect(200);
      expect(response.body.is_active).toBe(true);
      expect(await userRow(user.id)).toMatchObject({ is_active: true, deactivated_at: null });
      // The old token stays revoked; a fresh login works.
      expectProblem(await as(user).get('/users/me'), 401, 'INVALID_TOKEN');
      const tokens = await t.given.login(user.email, user.password);
      const me = await as(tokens).get('/users/me').expect(200);
      expect(me.body).toMatchObject({ id: user.id, is_active: true });
    });

    it('deactivates with PATCH is_active: false just as DELETE does', async () => {
      const user = await t.given.user(acme, 'employee');
      const response = await as(acme.admin).patch(`/admin/users/${user.id}`, { is_active: false }).expect(200);
      expect(response.body.is_active).toBe(false);
      expectProblem(await as(user).get('/users/me'), 401, 'INVALID_TOKEN');
    });
  });

  describe('teams', () => {
    let lead: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let employee: TestUser;

    beforeAll(async () => {
      lead = await t.given.user(acme, 'manager', { full_name: 'Team Lead' });
      alice = await t.given.user(acme, 'employee', { full_name: 'Alice' });
      bob = await t.given.user(acme, 'employee', { full_name: 'Bob' });
      employee = await t.given.user(acme, 'employee');
    });

    let teamCount = 0;
    const createTeam = async (body: object = {}) => {
      teamCount += 1;
      const response = await as(acme.admin)
        .post('/teams', { name: `Team ${teamCount} ${Math.random().toString(16).slice(2, 8)}`, ...body })
        .expect(201);
      return response.body as { id: string; name: string; lead_id: string | null; member_ids: string[] };
    };

    describe('creating and reading', () => {
      it('creates a team with a lead and members, who then see it in their team_ids', async () => {
        const response = await as(acme.admin)
          .post('/teams', { name: ' Field Sales ', lead_id: lead.id, member_ids: [alice.id, bob.id] })
          .expect(201);
        expect(response.body).toEqual({
          id: expect.stringMatching(UUID),
          name: 'Field Sales',
          lead_id: lead.id,
          member_ids: expect.arrayContaining([alice.id, bob.id]),
          created_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        expect(response.body.member_ids).toHaveLength(2);
        const team = response.body.id;
        expect((await as(alice).get('/users/me').expect(200)).body.team_ids).toEqual([team]);
        expect((await as(bob).get('/users/me').expect(200)).body.team_ids).toEqual([team]);
        // Leading a team is not being a member of it.
        expect((await as(lead).get('/users/me').expect(200)).body.team_ids).toEqual([]);
        expect((await as(acme.admin).get(`/admin/users/${alice.id}`).expect(200)).body.team_ids).toEqual([team]);
        expect(await auditActions(acme.id, team)).toEqual(['team.created']);
      });

      it('creates a team with neither lead nor members', async () => {
        const response = await as(acme.admin).post('/teams', { name: 'Empty Team' }).expect(201);
        expect(response.body).toMatchObject({ name: 'Empty Team', lead_id: null, member_ids: [] });
      });

      it.each<Role>(['employee', 'manager', 'finance', 'admin'])('lets a(n) %s list and read teams', async (role) => {
        const team = await createTeam({ lead_id: lead.id, member_ids: [alice.id] });
        const caller = role === 'admin' ? acme.admin : await t.given.user(acme, role);
        const list = await as(caller).get('/teams?limit=100').expect(200);
        expect(list.body.items).toEqual(
          expect.arrayContaining([expect.objectContaining({ id: team.id, lead_id: lead.id, member_ids: [alice.id] })]),
        );
        const fetched = await as(caller).get(`/teams/${team.id}`).expect(200);
        expect(fetched.body).toEqual(
          expect.objectContaining({ id: team.id, name: team.name, lead_id: lead.id, member_ids: [alice.id] }),
        );
      });

      it('refuses a name already taken in the organization, whatever its case: 409 TEAM_NAME_TAKEN', async () => {
        const team = await createTeam();
        expectProblem(await as(acme.admin).post('/teams', { name: team.name.toUpperCase() }), 409, 'TEAM_NAME_TAKEN');
        expectProblem(
          await as(acme.admin).post('/teams', { name: ` ${team.name.toLowerCase()} ` }),
          409,
          'TEAM_NAME_TAKEN',
        );
        const [{ count }] = await t.dataSource.query(
          `SELECT count(*)::int AS count FROM teams WHERE organization_id = $1 AND lower(name) = lower($2)`,
          [acme.id, team.name],
        );
        expect(count).toBe(1);
        // Another organization may use the same name.
        await as(globex.admin).post('/teams', { name: team.name }).expect(201);
      });

      it('refuses a lead or member from another organization with 422 TEAM_USER_NOT_FOUND, creating nothing', async () => {
        const outsider = await t.given.user(globex, 'manager');
        const name = 'Never Created';
        const withLead = await as(acme.admin).post('/teams', { name, lead_id: outsider.id });
        expectProblem(withLead, 422, 'TEAM_USER_NOT_FOUND');
        expect(withLead.body.errors).toEqual([
          { field: 'lead_id', message: 'must name an active user of this organization' },
        ]);
        const withMember = await as(acme.admin).post('/teams', { name, member_ids: [alice.id, outsider.id] });
        expectProblem(withMember, 422, 'TEAM_USER_NOT_FOUND');
        expect(withMember.body.errors).toEqual([
          { field: 'member_ids', message: 'must name an active user of this organization' },
        ]);
        expectProblem(await as(acme.admin).post('/teams', { name, lead_id: UNKNOWN_ID }), 422, 'TEAM_USER_NOT_FOUND');
        expect(await t.dataSource.query(`SELECT id FROM teams WHERE name = $1`, [name])).toEqual([]);
      });

      it('refuses a deactivated lead with 422 TEAM_USER_NOT_FOUND', async () => {
        const gone = await t.given.user(acme, 'manager');
        await as(acme.admin).delete(`/admin/users/${gone.id}`).expect(200);
        expectProblem(
          await as(acme.admin).post('/teams', { name: 'Ghost Led', lead_id: gone.id }),
          422,
          'TEAM_USER_NOT_FOUND',
        );
      });

      it('refuses bad input with one error per field', async () => {
        const response = await as(acme.admin).post('/teams', {
          name: '',
          lead_id: 'nope',
          member_ids: [alice.id, alice.id],
          colour: 'red',
        });
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['colour', 'lead_id', 'member_ids', 'name']);
      });
    });

    describe('who may change teams', () => {
      it.each<Role>(['employee', 'manager', 'finance'])(
        'refuses a(n) %s every change with 403 INSUFFICIENT_PERMISSIONS',
        async (role) => {
          const caller = role === 'employee' ? employee : await t.given.user(acme, role);
          const team = await createTeam({ member_ids: [alice.id] });
          expectProblem(await as(caller).post('/teams', { name: `By ${role}` }), 403, 'INSUFFICIENT_PERMISSIONS');
          expectProblem(
            await as(caller).patch(`/teams/${team.id}`, { name: 'Renamed' }),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expectProblem(
            await as(caller).put(`/teams/${team.id}/members/${caller.id}`),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expectProblem(
            await as(caller).delete(`/teams/${team.id}/members/${alice.id}`),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          const unchanged = await as(caller).get(`/teams/${team.id}`).expect(200);
          expect(unchanged.body).toMatchObject({ name: team.name, member_ids: [alice.id] });
          expect(await t.dataSource.query(`SELECT id FROM teams WHERE name = $1`, [`By ${role}`])).toEqual([]);
        },
      );

      it('refuses a caller without a token with 401', async () => {
        expectProblem(await request(t.http).get('/api/v1/teams'), 401, 'AUTHENTICATION_REQUIRED');
      });
    });

    describe('changing a team', () => {
      it('renames a team, changes its lead and removes it with null', async () => {
        const team = await createTeam({ lead_id: lead.id });
        const renamed = await as(acme.admin)
          .patch(`/teams/${team.id}`, { name: 'Renamed Team', lead_id: alice.id })
          .expect(200);
        expect(renamed.body).toMatchObject({ id: team.id, name: 'Renamed Team', lead_id: alice.id });
        const leaderless = await as(acme.admin).patch(`/teams/${team.id}`, { lead_id: null }).expect(200);
        expect(leaderless.body).toMatchObject({ name: 'Renamed Team', lead_id: null });
        expect(await auditActions(acme.id, team.id)).toEqual(['team.created', 'team.updated', 'team.updated']);
      });

      it("lets a team change the case of its own name but not take another team's", async () => {
        const team = await createTeam();
        const other = await createTeam();
        await as(acme.admin).patch(`/teams/${team.id}`, { name: team.name.toUpperCase() }).expect(200);
        expectProblem(
          await as(acme.admin).patch(`/teams/${team.id}`, { name: other.name.toLowerCase() }),
          409,
          'TEAM_NAME_TAKEN',
        );
      });

      it('refuses a lead from another organization with 422 TEAM_USER_NOT_FOUND', async () => {
        const team = await createTeam({ lead_id: lead.id });
        const outsider = await t.given.user(globex, 'manager');
        expectProblem(
          await as(acme.admin).patch(`/teams/${team.id}`, { lead_id: outsider.id }),
          422,
          'TEAM_USER_NOT_FOUND',
        );
        expect((await as(acme.admin).get(`/teams/${team.id}`).expect(200)).body.lead_id).toBe(lead.id);
      });
    });

    describe('members', () => {
      it('adds a member idempotently: adding twice lists them once and audits once', async () => {
        const team = await createTeam();
        const first = await as(acme.admin).put(`/teams/${team.id}/members/${bob.id}`).expect(200);
        expect(first.body).toMatchObject({ id: team.id, member_ids: [bob.id] });
        const second = await as(acme.admin).put(`/teams/${team.id}/members/${bob.id}`).expect(200);
        expect(second.body.member_ids).toEqual([bob.id]);
        expect((await as(bob).get('/users/me').expect(200)).body.team_ids).toContain(team.id);
        expect(await auditActions(acme.id, team.id)).toEqual(['team.created', 'team.member_added']);
        const [{ count }] = await t.dataSource.query(
          `SELECT count(*)::int AS count FROM team_members WHERE team_id = $1`,
          [team.id],
        );
        expect(count).toBe(1);
      });

      it('removes a member, who no longer sees the team; removing again changes nothing', async () => {
        const member = await t.given.user(acme, 'employee');
        const team = await createTeam({ member_ids: [member.id, alice.id] });
        expect((await as(member).get('/users/me').expect(200)).body.team_ids).toEqual([team.id]);
        const removed = await as(acme.admin).delete(`/teams/${team.id}/members/${member.id}`).expect(200);
        expect(removed.body.member_ids).toEqual([alice.id]);
        expect((await as(member).get('/users/me').expect(200)).body.team_ids).toEqual([]);
        const again = await as(acme.admin).delete(`/teams/${team.id}/members/${member.id}`).expect(200);
        expect(again.body.member_ids).toEqual([alice.id]);
        expect(await auditActions(acme.id, team.id)).toEqual(['team.created', 'team.member_removed']);
      });

      it('refuses to add a user of another organization with 404 MEMBER_NOT_FOUND', async () => {
        const team = await createTeam();
        const outsider = await t.given.user(globex, 'employee');
        expectProblem(await as(acme.admin).put(`/teams/${team.id}/members/${outsider.id}`), 404, 'MEMBER_NOT_FOUND');
        expectProblem(await as(acme.admin).put(`/teams/${team.id}/members/${UNKNOWN_ID}`), 404, 'MEMBER_NOT_FOUND');
        expectProblem(await as(acme.admin).delete(`/teams/${team.id}/members/${outsider.id}`), 404, 'MEMBER_NOT_FOUND');
        expect((await as(acme.admin).get(`/teams/${team.id}`).expect(200)).body.member_ids).toEqual([]);
      });

      it('refuses to add a deactivated user with 409 MEMBER_INACTIVE, but lets one be removed', async () => {
        const leaving = await t.given.user(acme, 'employee');
        const team = await createTeam({ member_ids: [leaving.id] });
        const newcomer = await t.given.user(acme, 'employee');
        for (const user of [leaving, newcomer]) await as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
        expectProblem(await as(acme.admin).put(`/teams/${team.id}/members/${newcomer.id}`), 409, 'MEMBER_INACTIVE');
        expect(
          (await as(acme.admin).delete(`/teams/${team.id}/members/${leaving.id}`).expect(200)).body.member_ids,
        ).toEqual([]);
        expect(await auditActions(acme.id, team.id)).toEqual(['team.created', 'team.member_removed']);
      });

      it('refuses ids that are not UUIDs with 422 naming the parameter', async () => {
        const team = await createTeam();
        const response = await as(acme.admin).put(`/teams/${team.id}/members/not-a-uuid`);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual([{ field: 'user_id', message: 'must be a UUID' }]);
        const badTeam = await as(acme.admin).get('/teams/not-a-uuid');
        expectProblem(badTeam, 422, 'VALIDATION_FAILED');
        expect(badTeam.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      });
    });

    describe("tenancy: another organization's teams do not exist", () => {
      it('answers 404 TEAM_NOT_FOUND to read or change a team of another organization, and changes nothing', async () => {
        const foreign = (await as(globex.admin).post('/teams', { name: 'Globex Only' }).expect(201)).body;
        expectProblem(await as(acme.admin).get(`/teams/${foreign.id}`), 404, 'TEAM_NOT_FOUND');
        expectProblem(await as(employee).get(`/teams/${foreign.id}`), 404, 'TEAM_NOT_FOUND');
        expectProblem(
          await as(acme.admin).patch(`/teams/${foreign.id}`, { name: 'Taken Over' }),
          404,
          'TEAM_NOT_FOUND',
        );
        expectProblem(await as(acme.admin).put(`/teams/${foreign.id}/members/${alice.id}`), 404, 'TEAM_NOT_FOUND');
        expectProblem(await as(acme.admin).delete(`/teams/${foreign.id}/members/${alice.id}`), 404, 'TEAM_NOT_FOUND');
        expectProblem(await as(acme.admin).get(`/teams/${UNKNOWN_ID}`), 404, 'TEAM_NOT_FOUND');
        const unchanged = await as(globex.admin).get(`/teams/${foreign.id}`).expect(200);
        expect(unchanged.body).toMatchObject({ name: 'Globex Only', member_ids: [] });
        const acmeTeams = (await as(acme.admin).get('/teams?limit=100').expect(200)).body as Listed;
        expect(acmeTeams.items.map((team) => team.id)).not.toContain(foreign.id);
      });
    });

    describe('listing', () => {
      let org: TestOrganization;
      const names = ['delta', 'Alpha', 'charlie', 'Echo', 'bravo'];

      beforeAll(async () => {
        org = await t.given.organization('Teams Paging');
        for (const name of names) await as(org.admin).post('/teams', { name }).expect(201);
      });

      it('lists teams by name, ignoring case, with the total', async () => {
        const response = await as(org.admin).get('/teams').expect(200);
        expect(response.body.total).toBe(5);
        expect(response.body.next_cursor).toBeNull();
        expect(response.body.items.map((team: { name: string }) => team.name)).toEqual([
          'Alpha',
          'bravo',
          'charlie',
          'delta',
          'Echo',
        ]);
      });

      it('pages with limit and offset', async () => {
        const first = (await as(org.admin).get('/teams?limit=2').expect(200)).body as Listed;
        expect(first).toMatchObject({ total: 5, next_cursor: expect.any(String) });
        expect(first.items.map((team) => team.name)).toEqual(['Alpha', 'bravo']);
        const last = (await as(org.admin).get('/teams?limit=2&offset=4').expect(200)).body as Listed;
        expect(last).toMatchObject({ total: 5, next_cursor: null });
        expect(last.items.map((team) => team.name)).toEqual(['Echo']);
      });

      it('pages by keyset cursor: following next_cursor visits every team once, in order', async () => {
        const all = (await as(org.admin).get('/teams?limit=100').expect(200)).body as Listed;
        const walked = await followCursor(org.admin, '/teams?limit=2');
        expect(walked.ids).toEqual(all.items.map((team) => team.id));
        expect(new Set(walked.ids).size).toBe(5);
      });

      it('refuses a foreign cursor and an out-of-range limit', async () => {
        expectProblem(await as(org.admin).get('/teams?cursor=not-a-cursor'), 422, 'INVALID_CURSOR');
        const tampered = Buffer.from(JSON.stringify(['alpha', 'not-an-id'])).toString('base64url');
        expectProblem(await as(org.admin).get(`/teams?cursor=${tampered}`), 422, 'INVALID_CURSOR');
        expectProblem(await as(org.admin).get('/teams?limit=0'), 422, 'VALIDATION_FAILED');
        expectProblem(await as(org.admin).get('/teams?limit=101'), 422, 'VALIDATION_FAILED');
      });
    });
  });
});
