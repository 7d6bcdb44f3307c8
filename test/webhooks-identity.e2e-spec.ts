import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

interface Signing {
  /** The secret to sign with (default: the target organization's). */
  secret?: string;
  /** When the message says it was signed. */
  at?: Date;
  /** The message id (`webhook-id`). */
  messageId?: string;
}

/**
 * Each organization's identity provider: its signing secret (made, rotated and removed by an
 * admin, stored sealed), and its events, signed the Standard Webhooks way with that secret and
 * applied to that organization's users only.
 */
describe('Identity-provider events, per organization', () => {
  let t: TestApp;
  let org: TestOrganization;
  let other: TestOrganization;
  const secrets = new Map<string, string>();
  let messages = 0;

  const as = (user: TestUser) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set(bearer(user.accessToken)),
    post: (path: string, body?: object) =>
      request(t.http).post(`/api/v1${path}`).set(bearer(user.accessToken)).send(body),
    patch: (path: string, body: object) =>
      request(t.http).patch(`/api/v1${path}`).set(bearer(user.accessToken)).send(body),
    delete: (path: string) => request(t.http).delete(`/api/v1${path}`).set(bearer(user.accessToken)),
  });
  const rotate = async (organization: TestOrganization) => {
    const { secret } = (await as(organization.admin).post('/organization/identity-provider/secret').expect(201))
      .body as { secret: string };
    secrets.set(organization.id, secret);
    return secret;
  };
  /** Sends events to an organization's endpoint, signed with its secret unless told otherwise. */
  const send = (organizationId: string, events: unknown, signing: Signing = {}) => {
    const body = typeof events === 'string' ? events : JSON.stringify(events);
    const at = signing.at ?? new Date();
    const messageId = signing.messageId ?? `msg_${++messages}`;
    const secret =
      signing.secret ?? secrets.get(organizationId) ?? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5Fx1f3Gx9Qg=';
    return request(t.http)
      .post(`/api/v1/events/webhook/${organizationId}`)
      .set('content-type', 'application/json')
      .set('webhook-id', messageId)
      .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
      .set('webhook-signature', new Webhook(secret).sign(messageId, at, body))
      .send(body);
  };
  const inbound = (events: unknown, signing?: Signing) => send(org.id, events, signing);
  const userByEmail = async (email: string, organization = org) => {
    const { items } = (
      await as(organization.admin)
        .get(`/admin/users?q=${encodeURIComponent(email)}&limit=5`)
        .expect(200)
    ).body;
    return items.find((u: { email: string }) => u.email === email) as
      { id: string; email: string; full_name: string; role: string; is_active: boolean } | undefined;
  };
  const auditOf = async (entityId: string, organization = org) =>
    (await as(organization.admin).get(`/audit-logs?entity_id=${entityId}`).expect(200)).body.items as Array<{
      action: string;
      actor_id: string | null;
      metadata: Record<string, unknown>;
    }>;
  const event = (type: string, data: Record<string, unknown>, id: string = randomUUID()) => ({ id, type, data });

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Signed Co');
    other = await t.given.organization('Elsewhere Co');
    await rotate(org);
    await rotate(other);
  });
  afterAll(() => t?.close());

  describe('the signing secret (admins)', () => {
    it('is made on request, shown once, stored sealed, rotated and removed, and audited without the secret', async () => {
      const fresh = await t.given.organization('Fresh Co');
      const path = '/organization/identity-provider';
      expect((await as(fresh.admin).get(path).expect(200)).body).toEqual({
        endpoint: `/api/v1/events/webhook/${fresh.id}`,
        secret_configured: false,
        secret_hint: null,
        secret_rotated_at: null,
        grants_admin: false,
        openid_connect: null,
      });
      expectProblem(
        await send(fresh.id, [event('user.deleted', { email: 'a@fresh.test' })]),
        401,
        'WEBHOOK_UNAUTHORIZED',
      );

      const first = (await as(fresh.admin).post(`${path}/secret`).expect(201)).body;
      expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(first.secret.slice(6), 'base64')).toHaveLength(32);
      expect(first).toMatchObject({
        endpoint: `/api/v1/events/webhook/${fresh.id}`,
        secret_configured: true,
        secret_hint: `…${first.secret.slice(-4)}`,
        secret_rotated_at: expect.any(String),
      });
      const read = (await as(fresh.admin).get(path).expect(200)).body;
      expect(read).toEqual({ ...first, secret: undefined });
      const [row]: Array<{ everything: string }> = await t.dataSource.query(
        `SELECT row_to_json(p)::text AS everything FROM identity_providers p WHERE organization_id = $1`,
        [fresh.id],
      );
      for (const form of [
        first.secret,
        first.secret.slice(6),
        Buffer.from(first.secret.slice(6), 'base64').toString('hex'),
      ])
        expect(row.everything).not.toContain(form);
      expect(row.everything).toMatch(/"secret_ciphertext":"v1\./);
      secrets.set(fresh.id, first.secret);
      expect(
        (await send(fresh.id, [event('user.deleted', { email: 'a@fresh.test' })]).expect(200)).body.results[0].outcome,
      ).toBe('ignored');

      const second = (await as(fresh.admin).post(`${path}/secret`).expect(201)).body;
      expect(second.secret).not.toBe(first.secret);
      expectProblem(
        await send(fresh.id, [event('user.deleted', { email: 'a@fresh.test' })], { secret: first.secret }),
        401,
        'WEBHOOK_UNAUTHORIZED',
      );
      expect(
        (
          await send(fresh.id, [event('user.deleted', { email: 'a@fresh.test' })], { secret: second.secret }).expect(
            200,
          )
        ).body.status,
      ).toBe('accepted');

      expect((await as(fresh.admin).delete(`${path}/secret`).expect(200)).body).toEqual({
        message: 'Deleted successfully',
      });
      await as(fresh.admin).delete(`${path}/secret`).expect(200);
      expectProblem(
        await send(fresh.id, [event('user.deleted', { email: 'a@fresh.test' })], { secret: second.secret }),
        401,
        'WEBHOOK_UNAUTHORIZED',
      );
      expect((await as(fresh.admin).get(path).expect(200)).body.secret_configured).toBe(false);

      const audit = await auditOf(fresh.id, fresh);
      expect(
        audit
          .map((e) => e.action)
          .filter((a) => a.startsWith('identity_provider.'))
          .reverse(),
      ).toEqual([
        'identity_provider.secret_created',
        'identity_provider.secret_rotated',
        'identity_provider.secret_deleted',
      ]);
      for (const secret of [first.secret, second.secret])
        expect(JSON.stringify(audit)).not.toContain(secret.slice(6, -4));
    });

    it('is for admins only, and each organization sees its own', async () => {
      for (const role of ['employee', 'manager', 'finance'] as const) {
        const user = await t.given.user(org, role);
        expectProblem(await as(user).get('/organization/identity-provider'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await as(user).post('/organization/identity-provider/secret'), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await as(user).delete('/organization/identity-provider/secret'), 403, 'INSUFFICIENT_PERMISSIONS');
      }
      expectProblem(
        await request(t.http).post('/api/v1/organization/identity-provider/secret'),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      expect((await as(other.admin).get('/organization/identity-provider').expect(200)).body.endpoint).toBe(
        `/api/v1/events/webhook/${other.id}`,
      );
      // The refusals rotated nothing: the secret in force still verifies.
      expect((await inbound([event('user.deleted', { email: 'nobody@signed.test' })]).expect(200)).body.status).toBe(
        'accepted',
      );
    });
  });

  describe('the signature', () => {
    const probe = () => [event('user.created', { email: `probe.${randomUUID()}@signed.test`, full_name: 'Probe' })];
    const refusedAlike = (response: request.Response) => {
      expectProblem(response, 401, 'WEBHOOK_UNAUTHORIZED');
      expect(response.body).toMatchObject({
        title: 'Unauthorized webhook source',
        detail: 'Unauthorized webhook source',
      });
    };

    it('refuses a missing, wrong or foreign signature with the same 401, and applies nothing', async () => {
      const events = probe();
      const body = JSON.stringify(events);
      const signed = (headers: Record<string, string>) => {
        let call = request(t.http).post(`/api/v1/events/webhook/${org.id}`).set('content-type', 'application/json');
        for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
        return call.send(body);
      };
      const now = new Date();
      const good = {
        'webhook-id': 'msg_fixed',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secrets.get(org.id)!).sign('msg_fixed', now, body),
      };
      for (const missing of Object.keys(good))
        refusedAlike(await signed(Object.fromEntries(Object.entries(good).filter(([name]) => name !== missing))));
      refusedAlike(await signed({ ...good, 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }));
      refusedAlike(await signed({ ...good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') }));
      refusedAlike(await signed({ ...good, 'webhook-id': 'msg_other' }));
      refusedAlike(
        await signed({
          ...good,
          'webhook-signature': new Webhook(secrets.get(org.id)!).sign('msg_fixed', now, `${body} `),
        }),
      );
      refusedAlike(await signed({ 'x-webhook-secret': secrets.get(org.id)! }));
      // Signed with another organization's secret: that organization's provider cannot act here.
      refusedAlike(await inbound(events, { secret: secrets.get(other.id) }));
      refusedAlike(await send(other.id, events, { secret: secrets.get(org.id) }));
      // A bad signature is refused before the body is looked at.
      refusedAlike(await inbound([{ type: 'nonsense' }], { secret: secrets.get(other.id) }));
      expect(await userByEmail(events[0].data.email as string)).toBeUndefined();
      // The right signature goes through.
      expect((await signed(good).expect(200)).body.results[0].outcome).toBe('created');
    });

    it('refuses a timestamp more than 5 minutes old or ahead, and takes one within', async () => {
      const minutes = (n: number) => new Date(Date.now() + n * 60_000);
      refusedAlike(await inbound(probe(), { at: minutes(-6) }));
      refusedAlike(await inbound(probe(), { at: minutes(-60 * 24) }));
      refusedAlike(await inbound(probe(), { at: minutes(6) }));
      expect((await inbound(probe(), { at: minutes(-4) }).expect(200)).body.results[0].outcome).toBe('created');
    });

    it('does not tell an organization that does not exist, or has no secret, from a wrong signature', async () => {
      const bare = await t.given.organization('No secret Co');
      for (const target of [randomUUID(), bare.id, 'not-a-uuid', org.id]) {
        refusedAlike(await send(target, probe(), { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5Fx1f3Gx9Qg=' }));
      }
    });
  });

  describe('replays and event ids', () => {
    it('applies a captured request replayed within the window once, and a reused event id once', async () => {
      const target = await t.given.user(org, 'employee');
      const events = [event('role.assigned', { email: target.email, role: 'manager' }, 'evt-replayed-1')];
      const at = new Date();
      const first = await inbound(events, { at, messageId: 'msg_captured' }).expect(200);
      expect(first.body.results[0]).toMatchObject({ outcome: 'updated', user_id: target.id });
      // The very same bytes and headers again (an attacker replaying what they captured).
      expect((await inbound(events, { at, messageId: 'msg_captured' }).expect(200)).body.results[0]).toMatchObject({
        outcome: 'duplicate',
      });
      // A new, validly signed message that reuses the event id with other content.
      expect(
        (
          await inbound([event('role.assigned', { email: target.email, role: 'finance' }, 'evt-replayed-1')]).expect(
            200,
          )
        ).body.results[0],
      ).toMatchObject({ outcome: 'duplicate' });
      expect((await userByEmail(target.email))!.role).toBe('manager');
      expect((await auditOf(target.id)).filter((e) => e.action === 'user.role_changed')).toHaveLength(1);
      // Event ids are the organization's provider's own: the same id elsewhere is another event.
      const theirs = await t.given.user(other, 'employee');
      expect(
        (
          await send(other.id, [
            event('role.assigned', { email: theirs.email, role: 'manager' }, 'evt-replayed-1'),
          ]).expect(200)
        ).body.results[0].outcome,
      ).toBe('updated');
    });

    it('requires an id on every event', async () => {
      const response = await inbound([{ type: 'user.deleted', data: { email: 'a@signed.test' } }]);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain('[0].id');
    });
  });

  describe('the admin role', () => {
    it('is never granted by the provider unless the organization allows it: not by creating, promoting or reactivating', async () => {
      const employee = await t.given.user(org, 'employee');
      const formerAdmin = await t.given.user(org, 'admin');
      await as(org.admin).delete(`/admin/users/${formerAdmin.id}`).expect(200);
      const grants = [
        [event('role.assigned', { email: employee.email, role: 'admin' })],
        [event('user.updated', { email: employee.email, role: 'admin' })],
        [
          event('user.created', {
            email: `new.admin.${randomUUID()}@signed.test`,
            full_name: 'New Admin',
            role: 'admin',
          }),
        ],
        [event('user.created', { email: employee.email, full_name: 'Employee', role: 'admin' })],
        [event('user.updated', { email: formerAdmin.email, is_active: true })],
        [event('user.created', { email: formerAdmin.email, full_name: 'Former Admin' })],
      ];
      for (const events of grants) {
        const response = await inbound(events);
        expectProblem(response, 403, 'IDENTITY_ADMIN_GRANT_DISABLED');
        expect(response.body.detail).toMatch(
          /^Event \[0\] \((role\.assigned|user\.updated|user\.created)\): This organization does not let its identity provider make anyone an admin/,
        );
      }
      expect(await userByEmail(employee.email)).toMatchObject({ role: 'employee', is_active: true });
      expect(await userByEmail(formerAdmin.email)).toMatchObject({ role: 'admin', is_active: false });
      // What is not a grant still goes through: an admin stays one, another role is given.
      expect(
        (await inbound([event('role.assigned', { email: org.admin.email, role: 'admin' })]).expect(200)).body.results[0]
          .outcome,
      ).toBe('unchanged');
      expect(
        (await inbound([event('role.assigned', { email: employee.email, role: 'finance' })]).expect(200)).body
          .results[0].outcome,
      ).toBe('updated');

      await as(org.admin)
        .patch('/organization', { settings: { identity_provider_grants_admin: true } })
        .expect(200);
      expect((await as(org.admin).get('/organization/identity-provider').expect(200)).body.grants_admin).toBe(true);
      expect(
        (await inbound([event('role.assigned', { email: employee.email, role: 'admin' })]).expect(200)).body.results[0]
          .outcome,
      ).toBe('updated');
      expect(
        (await inbound([event('user.updated', { email: formerAdmin.email, is_active: true })]).expect(200)).body
          .results[0].outcome,
      ).toBe('updated');
      expect(await userByEmail(employee.email)).toMatchObject({ role: 'admin' });
      expect(await userByEmail(formerAdmin.email)).toMatchObject({ role: 'admin', is_active: true });

      await as(org.admin)
        .patch('/organization', { settings: { identity_provider_grants_admin: null } })
        .expect(200);
      expectProblem(
        await inbound([
          event('user.created', { email: `late.admin.${randomUUID()}@signed.test`, full_name: 'Late', role: 'admin' }),
        ]),
        403,
        'IDENTITY_ADMIN_GRANT_DISABLED',
      );
      // Another organization's setting is its own.
      const theirs = await t.given.user(other, 'employee');
      expectProblem(
        await send(other.id, [event('role.assigned', { email: theirs.email, role: 'admin' })]),
        403,
        'IDENTITY_ADMIN_GRANT_DISABLED',
      );
    });
  });

  describe('the events', () => {
    it('creates a user, then applies the same event again as nothing', async () => {
      const created = event('user.created', {
        external_id: 'okta-001',
        email: 'Idp.User@Acme.test',
        full_name: 'Idp User',
        role: 'manager',
      });
      const answer = (await inbound([created]).expect(200)).body;
      expect(answer).toEqual({
        status: 'accepted',
        results: [{ index: 0, type: 'user.created', outcome: 'created', user_id: expect.any(String) }],
      });
      const user = await userByEmail('idp.user@acme.test');
      expect(user).toMatchObject({
        id: answer.results[0].user_id,
        full_name: 'Idp User',
        role: 'manager',
        is_active: true,
      });
      expect(await auditOf(user!.id)).toEqual([
        expect.objectContaining({
          action: 'user.created',
          actor_id: null,
          metadata: expect.objectContaining({ external_id: 'okta-001' }),
        }),
      ]);
      expect((await inbound([created]).expect(200)).body.results[0]).toMatchObject({ outcome: 'duplicate' });
      expect((await inbound([{ ...created, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'unchanged',
        user_id: user!.id,
      });
      // organization_id may still be sent, if it is this organization.
      expect(
        (await inbound([event('user.created', { ...created.data, organization_id: org.id })]).expect(200)).body
          .results[0],
      ).toMatchObject({ outcome: 'unchanged' });
      expect(await auditOf(user!.id)).toHaveLength(1);
    });

    it('updates, renames by external id, changes the role, and deactivates; each twice changes nothing the second time', async () => {
      await inbound([
        event('user.created', { external_id: 'okta-002', email: 'lifecycle@acme.test', full_name: 'Life Cycle' }),
      ]).expect(200);
      const user = (await userByEmail('lifecycle@acme.test'))!;
      expect(user.role).toBe('employee');
      const rename = {
        type: 'user.updated',
        data: { external_id: 'okta-002', email: 'renamed@acme.test', full_name: 'Re Named' },
      };
      expect((await inbound([{ ...rename, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'updated',
        user_id: user.id,
      });
      expect((await inbound([{ ...rename, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'unchanged',
      });
      expect(await userByEmail('renamed@acme.test')).toMatchObject({ id: user.id, full_name: 'Re Named' });

      const promote = { type: 'role.assigned', data: { email: 'renamed@acme.test', role: 'finance' } };
      expect((await inbound([{ ...promote, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'updated',
      });
      expect((await inbound([{ ...promote, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'unchanged',
      });
      expect((await userByEmail('renamed@acme.test'))!.role).toBe('finance');

      const remove = { type: 'user.deleted', data: { external_id: 'okta-002' } };
      expect((await inbound([{ ...remove, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'deactivated',
      });
      expect((await inbound([{ ...remove, id: randomUUID() }]).expect(200)).body.results[0]).toMatchObject({
        outcome: 'unchanged',
      });
      expect((await userByEmail('renamed@acme.test'))!.is_active).toBe(false);
      expect((await auditOf(user.id)).map((e) => e.action).reverse()).toEqual([
        'user.created',
        'user.updated',
        'user.updated',
        'user.role_changed',
        'user.deactivated',
      ]);
      expect(
        (await inbound([event('user.deleted', { email: 'nobody-here@acme.test' })]).expect(200)).body.results[0],
      ).toMatchObject({ outcome: 'ignored', user_id: null });
    });

    it("stops a deactivated user's tokens at once", async () => {
      const victim = await t.given.user(org, 'employee');
      await as(victim).get('/users/me').expect(200);
      await inbound([event('user.deleted', { email: victim.email })]).expect(200);
      expectProblem(await as(victim).get('/users/me'), 401, 'INVALID_TOKEN');
    });

    it("never finds or changes another organization's users, and lets each organization link its own external ids", async () => {
      const theirs = await t.given.user(other, 'manager');
      expectProblem(
        await inbound([event('role.assigned', { email: theirs.email, role: 'employee' })]),
        404,
        'USER_NOT_FOUND',
      );
      expectProblem(
        await inbound([event('user.updated', { email: other.admin.email, full_name: 'Hijacked' })]),
        404,
        'USER_NOT_FOUND',
      );
      expect(
        (await inbound([event('user.deleted', { email: theirs.email })]).expect(200)).body.results[0].outcome,
      ).toBe('ignored');
      // E-mails are unique per organization: the same address here is a user of this organization, the other one untouched.
      const namesake = (
        await inbound([
          event('user.created', { email: other.admin.email, full_name: 'Namesake', role: 'employee' }),
        ]).expect(200)
      ).body.results[0];
      expect(namesake).toMatchObject({ outcome: 'created' });
      expect(namesake.user_id).not.toBe(other.admin.id);
      expectProblem(
        await inbound([
          event('user.created', { organization_id: other.id, email: 'cross@acme.test', full_name: 'Cross' }),
        ]),
        422,
        'IDENTITY_EVENT_REJECTED',
      );
      expect(await userByEmail(theirs.email, other)).toMatchObject({ role: 'manager', is_active: true });
      const theirAdmin = await userByEmail(other.admin.email, other);
      expect(theirAdmin).toMatchObject({ role: 'admin', is_active: true });
      expect(theirAdmin!.full_name).not.toBe('Hijacked');

      await send(other.id, [
        event('user.created', { external_id: 'shared-7', email: 'seven@elsewhere.test', full_name: 'Seven Elsewhere' }),
      ]).expect(200);
      expect(
        (
          await inbound([
            event('user.created', { external_id: 'shared-7', email: 'seven@signed.test', full_name: 'Seven Here' }),
          ]).expect(200)
        ).body.results[0].outcome,
      ).toBe('created');
      expect(
        (await inbound([event('user.updated', { external_id: 'shared-7', full_name: 'Seven Renamed' })]).expect(200))
          .body.results[0].outcome,
      ).toBe('updated');
      expect(await userByEmail('seven@elsewhere.test', other)).toMatchObject({ full_name: 'Seven Elsewhere' });
      expect(await userByEmail('seven@signed.test')).toMatchObject({ full_name: 'Seven Renamed' });
    });

    it('refuses malformed events with 422 naming each place', async () => {
      const cases: Array<[unknown, string]> = [
        [{ type: 'user.created' }, 'body'],
        [[], 'body'],
        [['x'], '[0]'],
        [[event('user.exploded', {})], '[0].type'],
        [[event('user.created', { email: 'a@acme.test' })], '[0].data.full_name'],
        [[event('role.assigned', { email: 'a@acme.test' })], '[0].data.role'],
        [[event('user.updated', { full_name: 'Nobody' })], '[0].data.external_id'],
        [[event('user.deleted', { email: 'a@acme.test', surprise: 1 })], '[0].data.surprise'],
        [[{ ...event('user.deleted', { email: 'a@acme.test' }), extra: true }], '[0].extra'],
        [
          [
            event('user.deleted', { email: 'a@acme.test' }),
            event('role.assigned', { email: 'not-an-email', role: 'admin' }),
          ],
          '[1].data.email',
        ],
        [Array.from({ length: 101 }, () => event('user.deleted', { email: 'a@acme.test' })), 'body'],
      ];
      for (const [body, field] of cases) {
        const response = await inbound(body);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('applies a batch together or not at all', async () => {
      const response = await inbound([
        event('user.created', { email: 'batch.first@acme.test', full_name: 'Batch First' }),
        event('role.assigned', { email: 'batch.ghost@acme.test', role: 'manager' }),
      ]);
      expectProblem(response, 404, 'USER_NOT_FOUND');
      expect(response.body.detail).toMatch(/^Event \[1\] \(role\.assigned\)/);
      expect(await userByEmail('batch.first@acme.test')).toBeUndefined();
    });

    it('answers 404 for an unknown user and 409 for demoting the last admin', async () => {
      expectProblem(
        await inbound([event('role.assigned', { email: 'ghost@acme.test', role: 'employee' })]),
        404,
        'USER_NOT_FOUND',
      );
      const lonely = await t.given.organization('Lonely Co');
      await rotate(lonely);
      expectProblem(
        await send(lonely.id, [event('role.assigned', { email: lonely.admin.email, role: 'employee' })]),
        409,
        'LAST_ADMIN',
      );
    });
  });
});
