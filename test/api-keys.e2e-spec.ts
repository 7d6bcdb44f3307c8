import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { API_KEY_SCOPES, SCOPE_DESCRIPTIONS } from '../src/common/auth/scopes';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { RunningApi, startApi } from './helpers/processes';
import { createTestApp, TEST_AUDIT_KEY, TEST_JWT_SECRET, TEST_SECRETS_KEY, TestApp } from './helpers/test-app';

const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const KEY_FORMAT = /^sk_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  created_by: string;
  [field: string]: unknown;
}

describe('Organization API keys', () => {
  let t: TestApp;
  let own: TestOrganization;
  let other: TestOrganization;
  let employee: TestUser;
  let finance: TestUser;

  /** A key made by `admin` (the organization's first admin unless told) through the API. */
  async function createKey(scopes: string[], body: object = {}, admin: TestUser = own.admin): Promise<CreatedKey> {
    const response = await t.as(admin).post('/organization/api-keys', { name: 'Integration', scopes, ...body });
    if (response.status !== 201) throw new Error(`create key: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as CreatedKey;
  }
  const withKey = (key: { key: string }) => t.as({ accessToken: key.key });

  beforeAll(async () => {
    t = await createTestApp();
    own = await t.given.organization('Keys Co');
    other = await t.given.organization('Other Keys Co');
    employee = await t.given.user(own, 'employee');
    finance = await t.given.user(own, 'finance');
  });
  afterAll(() => t.close());

  describe('managing keys', () => {
    it('shows the key once, at creation, and never again: not in the list, GET, the audit log or the database', async () => {
      const created = await t
        .as(own.admin)
        .post('/organization/api-keys', {
          name: 'ERP export',
          scopes: ['spends:read', 'receipts:write'],
          expires_at: '2099-01-01T00:00:00Z',
        })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'ERP export',
        scopes: ['spends:read', 'receipts:write'],
        created_by: own.admin.id,
        expires_at: '2099-01-01T00:00:00.000Z',
        last_used_at: null,
        revoked_at: null,
      });
      expect(created.body.key).toMatch(KEY_FORMAT);
      expect(created.body.key.startsWith(`${created.body.prefix}_`)).toBe(true);
      const secret = created.body.key.slice(created.body.prefix.length + 1);

      const list = await t.as(own.admin).get('/organization/api-keys').expect(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
      const { key: _key, ...withoutKey } = created.body;
      expect(listed).toEqual(withoutKey);
      const one = await t.as(own.admin).get(`/organization/api-keys/${created.body.id}`).expect(200);
      expect(one.body).toEqual(withoutKey);

      const audit = await t.as(own.admin).get(`/audit-logs?entity_id=${created.body.id}`).expect(200);
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          action: 'api_key.created',
          actor_id: own.admin.id,
          actor_type: 'user',
          metadata: expect.objectContaining({ prefix: created.body.prefix, scopes: ['spends:read', 'receipts:write'] }),
        }),
      ]);
      for (const text of [JSON.stringify(list.body), JSON.stringify(one.body), JSON.stringify(audit.body)]) {
        expect(text).not.toContain(secret);
      }
      const [row] = await t.dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [created.body.id]);
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('validates name, scopes and expiry', async () => {
      const refused = [
        { name: 'x', scopes: ['spends:read', 'spends:approve'] },
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['spends:read', 'spends:read'] },
        { name: 'x' },
        { name: '', scopes: ['spends:read'] },
        { name: 'x', scopes: ['spends:read'], expires_at: '2020-01-01T00:00:00Z' },
        { name: 'x', scopes: ['spends:read'], expires_at: 'tomorrow' },
        { name: 'x', scopes: ['spends:read'], role: 'admin' },
      ];
      for (const body of refused) {
        expectProblem(await t.as(own.admin).post('/organization/api-keys', body), 422, 'VALIDATION_FAILED');
      }
    });

    it('lets only admins manage keys', async () => {
      const key = await createKey(['spends:read']);
      for (const user of [employee, finance]) {
        for (const pending of [
          t.as(user).post('/organization/api-keys', { name: 'x', scopes: ['spends:read'] }),
          t.as(user).get('/organization/api-keys'),
          t.as(user).get(`/organization/api-keys/${key.id}`),
          t.as(user).delete(`/organization/api-keys/${key.id}`),
        ]) {
          expectProblem(await pending, 403, 'INSUFFICIENT_PERMISSIONS');
        }
      }
      expectProblem(await request(t.http).get('/api/v1/organization/api-keys'), 401, 'AUTHENTICATION_REQUIRED');
      await withKey(key).get('/spends').expect(200);
    });

    it("keeps another organization's admin away from the keys: 404, and not in their list", async () => {
      const key = await createKey(['spends:read']);
      expectProblem(await t.as(other.admin).get(`/organization/api-keys/${key.id}`), 404, 'API_KEY_NOT_FOUND');
      expectProblem(await t.as(other.admin).delete(`/organization/api-keys/${key.id}`), 404, 'API_KEY_NOT_FOUND');
      const list = await t.as(other.admin).get('/organization/api-keys?limit=100').expect(200);
      expect(list.body.items.map((k: { id: string }) => k.id)).not.toContain(key.id);
      await withKey(key).get('/spends').expect(200);
    });

    it('does not let a key manage keys, whatever its scopes', async () => {
      const key = await createKey([...API_KEY_SCOPES]);
      for (const pending of [
        withKey(key).post('/organization/api-keys', { name: 'x', scopes: ['spends:read'] }),
        withKey(key).get('/organization/api-keys'),
        withKey(key).delete(`/organization/api-keys/${key.id}`),
      ]) {
        const response = await pending;
        expectProblem(response, 403, 'INSUFFICIENT_SCOPE');
        expect(response.body.required_scope).toBeNull();
      }
    });
  });

  describe('authenticating with a key', () => {
    it('reads spends organization-wide on a route its scope opens', async () => {
      const spend = await t.given.spend(employee, { amount: '12.00' });
      const key = await createKey(['spends:read']);
      const list = await withKey(key).get('/spends?limit=100').expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(spend.id);
      const one = await withKey(key).get(`/spends/${spend.id}`).expect(200);
      expect(one.body).toMatchObject({ id: spend.id, user_id: employee.id });
    });

    it('answers 403 INSUFFICIENT_SCOPE naming the scope a route needs', async () => {
      const key = await createKey(['spends:read']);
      const count = async () =>
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM spends WHERE organization_id = $1`, [own.id]))[0].n;
      const before = await count();
      const response = await withKey(key).post('/spends', {
        amount: '5.00',
        currency: 'USD',
        spend_date: '2026-08-13',
      });
      expectProblem(response, 403, 'INSUFFICIENT_SCOPE');
      expect(response.body.required_scope).toBe('spends:write');
      expect(response.body.detail).toContain('spends:write');
      expectProblem(await withKey(key).get('/audit-logs'), 403, 'INSUFFICIENT_SCOPE');
      expect(await count()).toBe(before);
    });

    it('refuses keys on routes that declare no scope, with every scope held: approve, pay, the caller, notifications', async () => {
      const key = await createKey([...API_KEY_SCOPES]);
      const spend = await t.given.spend(employee);
      const approvals = await t.as(own.admin).get('/approvals').expect(200);
      const approval = approvals.body.items.find((a: { spend_id: string }) => a.spend_id === spend.id);
      for (const pending of [
        withKey(key).get('/users/me'),
        withKey(key).get('/approvals'),
        withKey(key).post(`/approvals/${approval?.id ?? spend.id}/decision`, { decision: 'approved' }),
        withKey(key).post(`/spends/${spend.id}/pay`, { payment_reference: 'X-1' }),
        withKey(key).get('/notifications'),
        withKey(key).patch('/organization', { name: 'Renamed' }),
      ]) {
        const response = await pending;
        expectProblem(response, 403, 'INSUFFICIENT_SCOPE');
        expect(response.body.required_scope).toBeNull();
      }
    });

    it('creates spends that belong to its creator, and the audit log names the key as actor', async () => {
      const key = await createKey(['spends:write', 'spends:read', 'receipts:write']);
      const created = await withKey(key)
        .post('/spends', { amount: '38.34', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10) })
        .expect(201);
      expect(created.body.user_id).toBe(own.admin.id);
      await request(t.http)
        .post(`/api/v1/spends/${created.body.id}/receipts`)
        .set(bearer(key.key))
        .attach('file', RECEIPT, 'receipt.jpg')
        .expect(201);

      const audit = await t.as(own.admin).get(`/audit-logs?actor_id=${key.id}`).expect(200);
      expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
      for (const entry of audit.body.items) expect(entry).toMatchObject({ actor_id: key.id, actor_type: 'api_key' });
      expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('spend.created');
      const spendEntries = await t.as(own.admin).get(`/audit-logs?entity_id=${created.body.id}`).expect(200);
      expect(spendEntries.body.items.every((e: { actor_id: string }) => e.actor_id === key.id)).toBe(true);
      // The chain covers actor_type (src/audit/audit-hash.spec.ts): entries by keys verify like any other.
      const verify = await t.as(own.admin).get('/audit-logs/verify').expect(200);
      expect(verify.body.valid).toBe(true);
    });

    it("keeps its Idempotency-Keys apart from its creator's: a replay is the key's own answer", async () => {
      const key = await createKey(['spends:write']);
      const body = { amount: '7.00', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10) };
      const first = await withKey(key).post('/spends', body).set('Idempotency-Key', 'shared-key-1').expect(201);
      const replay = await withKey(key).post('/spends', body).set('Idempotency-Key', 'shared-key-1').expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      const creator = await t.as(own.admin).post('/spends', body).set('Idempotency-Key', 'shared-key-1').expect(201);
      expect(creator.headers['idempotent-replayed']).toBeUndefined();
      expect(creator.body.id).not.toBe(first.body.id);
    });

    it('refuses unknown, malformed and wrong-secret keys with INVALID_TOKEN', async () => {
      const key = await createKey(['spends:read']);
      const wrongSecret = `${key.prefix}_${'A'.repeat(43)}`;
      const unknown = `sk_live_${'0'.repeat(16)}_${key.key.slice(-43)}`;
      for (const credential of [wrongSecret, unknown, 'sk_live_abc', `${key.key}x`]) {
        expectProblem(await request(t.http).get('/api/v1/spends').set(bearer(credential)), 401, 'INVALID_TOKEN');
      }
      expectProblem(await request(t.http).get('/api/v1/spends'), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('stops a revoked key at once (401 API_KEY_REVOKED), audits the revocation once', async () => {
      const key = await createKey(['spends:read']);
      await withKey(key).get('/spends').expect(200);
      const revoked = await t.as(own.admin).delete(`/organization/api-keys/${key.id}`).expect(200);
      expect(revoked.body.revoked_at).toEqual(expect.any(String));
      expectProblem(await withKey(key).get('/spends'), 401, 'API_KEY_REVOKED');
      const again = await t.as(own.admin).delete(`/organization/api-keys/${key.id}`).expect(200);
      expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
      const audit = await t.as(own.admin).get(`/audit-logs?entity_id=${key.id}&action=api_key.revoked`).expect(200);
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({ actor_id: own.admin.id, actor_type: 'user' });
    });

    it('refuses an expired key with 401 API_KEY_EXPIRED', async () => {
      const key = await createKey(['spends:read'], { expires_at: '2099-01-01T00:00:00Z' });
      await withKey(key).get('/spends').expect(200);
      // The clock cannot be moved forward; the expiry can be moved back.
      await t.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
      expectProblem(await withKey(key).get('/spends'), 401, 'API_KEY_EXPIRED');
    });

    it('stops working when its creator is no longer an active admin', async () => {
      const second = await t.given.user(own, 'admin');
      const key = await createKey(['spends:read'], {}, second);
      await withKey(key).get('/spends').expect(200);
      await t.as(own.admin).patch(`/admin/users/${second.id}`, { role: 'finance' }).expect(200);
      expectProblem(await withKey(key).get('/spends'), 401, 'API_KEY_CREATOR_INACTIVE');
      await t.as(own.admin).patch(`/admin/users/${second.id}`, { role: 'admin' }).expect(200);
      await withKey(key).get('/spends').expect(200);
      await t.as(own.admin).delete(`/admin/users/${second.id}`).expect(200);
      expectProblem(await withKey(key).get('/spends'), 401, 'API_KEY_CREATOR_INACTIVE');
    });

    it("cannot reach another organization's data: 404 like any unknown id", async () => {
      const spend = await t.given.spend(employee);
      const foreignKey = await createKey([...API_KEY_SCOPES], {}, other.admin);
      expectProblem(await withKey(foreignKey).get(`/spends/${spend.id}`), 404, 'SPEND_NOT_FOUND');
      const list = await withKey(foreignKey).get('/spends?limit=100').expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(spend.id);
      const users = await withKey(foreignKey).get('/admin/users?limit=100').expect(200);
      expect(users.body.items.map((u: { id: string }) => u.id)).not.toContain(employee.id);
    });

    it('records the last use at most once a minute', async () => {
      const key = await createKey(['spends:read']);
      const before = await t.as(own.admin).get(`/organization/api-keys/${key.id}`).expect(200);
      expect(before.body.last_used_at).toBeNull();
      await withKey(key).get('/spends').expect(200);
      const first = (await t.as(own.admin).get(`/organization/api-keys/${key.id}`).expect(200)).body.last_used_at;
      expect(first).toEqual(expect.any(String));
      await withKey(key).get('/spends').expect(200);
      const second = (await t.as(own.admin).get(`/organization/api-keys/${key.id}`).expect(200)).body.last_used_at;
      expect(second).toBe(first);
      await t.dataSource.query(`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [
        key.id,
      ]);
      const aged = (await t.as(own.admin).get(`/organization/api-keys/${key.id}`).expect(200)).body.last_used_at;
      await withKey(key).get('/spends').expect(200);
      const third = (await t.as(own.admin).get(`/organization/api-keys/${key.id}`).expect(200)).body.last_used_at;
      expect(Date.parse(third)).toBeGreaterThan(Date.parse(aged));
    });
  });

  describe('the contract', () => {
    it('documents the apiKey scheme and each scoped route’s scope, in the extension, the security and the description', async () => {
      const document = (await request(t.http).get('/docs-json').expect(200)).body;
      expect(document.components.securitySchemes.apiKey).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: expect.stringMatching(/^sk_/),
      });
      const scoped: Array<{ route: string; scope: string }> = [];
      for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          const scope = operation['x-required-scope'] as string | undefined;
          const security = (operation.security ?? []) as Array<Record<string, unknown>>;
          const takesKeys = security.some((s) => 'apiKey' in s);
          expect({ route: `${method} ${path}`, takesKeys }).toEqual({ route: `${method} ${path}`, takesKeys: !!scope });
          if (!scope) continue;
          expect(API_KEY_SCOPES).toContain(scope);
          expect(operation.description).toContain(`\`${scope}\``);
          scoped.push({ route: `${method.toUpperCase()} ${path}`, scope });
        }
      }
      // Every scope opens some route, except scim, whose routes come with SCIM provisioning.
      const used = new Set(scoped.map((s) => s.scope));
      expect(API_KEY_SCOPES.filter((s) => !used.has(s) && s !== 'scim')).toEqual([]);
      expect(scoped).toEqual(
        expect.arrayContaining([
          { route: 'GET /api/v1/spends', scope: 'spends:read' },
          { route: 'POST /api/v1/spends', scope: 'spends:write' },
          { route: 'POST /api/v1/spends/{id}/receipts', scope: 'receipts:write' },
          { route: 'GET /api/v1/reports/export', scope: 'reports:read' },
          { route: 'GET /api/v1/audit-logs/verify', scope: 'audit:read' },
          { route: 'POST /api/v1/webhook-subscriptions', scope: 'webhooks:manage' },
          { route: 'GET /api/v1/policies', scope: 'policies:read' },
          { route: 'GET /api/v1/admin/users', scope: 'users:read' },
        ]),
      );
      expect(scoped.map((s) => s.route)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/\/pay$|\/decision$|api-keys/)]),
      );
    });

    it("docs/integrations-api-keys.md's scope table is the code's list, in order, with the code's descriptions", () => {
      const page = readFileSync(join(__dirname, '..', 'docs', 'integrations-api-keys.md'), 'utf8');
      const rows = [...page.matchAll(/^\| `([a-z:]+)` \| (.+?) \|/gm)].map(([, scope, what]) => ({ scope, what }));
      expect(rows).toEqual(API_KEY_SCOPES.map((scope) => ({ scope, what: SCOPE_DESCRIPTIONS[scope] })));
    });
  });
});

describe('Organization API keys in the logs', () => {
  let t: TestApp;
  let api: RunningApi;

  beforeAll(async () => {
    t = await createTestApp();
    api = await startApi({
      DATABASE_URL: t.databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      AUDIT_KEY: TEST_AUDIT_KEY,
      SECRETS_KEY: TEST_SECRETS_KEY,
      LOG_LEVEL: 'info',
      REDIS_URL: undefined,
    });
  });
  afterAll(async () => {
    await api?.stop();
    await t.close();
  });

  it('never writes a key to the log: not when made, used, refused or revoked', async () => {
    const organization = await t.given.organization('Logged Co');
    const admin = bearer(organization.admin.accessToken);
    const created = await request(api.url)
      .post('/api/v1/organization/api-keys')
      .set(admin)
      .send({ name: 'Logged', scopes: ['spends:read'] })
      .expect(201);
    const { key, id } = created.body as { key: string; id: string };
    const secret = key.split('_').slice(3).join('_');
    await request(api.url).get('/api/v1/spends').set(bearer(key)).expect(200);
    await request(api.url).get('/api/v1/audit-logs').set(bearer(key)).expect(403);
    await request(api.url).get(`/api/v1/users/me?api_key=${key}`).set(bearer(key)).expect(403);
    await request(api.url).delete(`/api/v1/organization/api-keys/${id}`).set(admin).expect(200);
    await request(api.url).get('/api/v1/spends').set(bearer(key)).expect(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = api.output();
    // The requests were logged (so the check below looks at something), the key was not.
    expect(output).toContain(`/api/v1/organization/api-keys/${id}`);
    expect(output).toContain('api_key=[redacted]');
    expect(output).not.toContain(secret);
  });
});
