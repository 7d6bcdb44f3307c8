import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Role } from '../src/common/auth/roles';
import { API_KEY_SCOPES, type ApiKeyScope } from '../src/common/auth/scopes';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
  items?: Schema;
};
type Operation = {
  operationId: string;
  security?: unknown[];
  'x-minimum-role'?: Role;
  'x-required-scope'?: ApiKeyScope;
  requestBody?: { content: Record<string, { schema?: Schema }> };
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const ROLES: Role[] = ['employee', 'manager', 'finance', 'admin'];
const RANK: Record<Role, number> = { employee: 0, manager: 1, finance: 2, admin: 3 };
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

/**
 * The authorization matrix, generated from the OpenAPI document: every documented route ×
 * every role × the caller's own and another organization's ids. A route added later is in
 * the matrix without anyone writing a line, and fails it if it answers what docs/api.md forbids:
 * - without a token, every protected route answers 401;
 * - below the route's `x-minimum-role`, 403, and nothing else;
 * - at or above it, never 401 or 403 (ids that do not exist answer 404 or a validation 422);
 * - with another organization's real ids, even an admin gets 404: nothing of it is visible;
 * - an organization API key is judged by the route's `x-required-scope`, never by role: a key
 *   holding it is let through, a key holding every other scope gets 403 INSUFFICIENT_SCOPE naming
 *   it, and a route without one refuses every key, even one holding every scope.
 */
describe('Authorization matrix from the OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  let own: TestOrganization;
  const callers = {} as Record<Role, TestUser>;
  /** Real ids of the other organization's resources, by the first segment of the route's path. */
  const foreign: Record<string, string> = {};
  /** API keys of the own organization: one with every scope, and per scope one with every scope but it. */
  let allScopes: string;
  const lacking = {} as Record<ApiKeyScope, string>;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await request(t.http).get('/docs-json').expect(200)).body;
    own = await t.given.organization('Own Co');
    callers.admin = own.admin;
    for (const role of ['employee', 'manager', 'finance'] as const) callers[role] = await t.given.user(own, role);
    const key = async (scopes: readonly ApiKeyScope[], organization = own) =>
      (await t.as(organization.admin).post('/organization/api-keys', { name: 'Matrix', scopes }).expect(201)).body as {
        id: string;
        key: string;
      };
    allScopes = (await key(API_KEY_SCOPES)).key;
    for (const scope of API_KEY_SCOPES) lacking[scope] = (await key(API_KEY_SCOPES.filter((s) => s !== scope))).key;

    const other = await t.given.organization('Other Co');
    const employee = await t.given.user(other, 'employee');
    foreign['organization/api-keys'] = (await key(['spends:read'], other)).id;
    foreign['admin/users'] = employee.id;
    foreign.members = employee.id;
    foreign.teams = (await t.as(other.admin).post('/teams', { name: 'Other team' }).expect(201)).body.id;
    foreign.categories = (await t.as(other.admin).post('/categories', { name: 'Other category' }).expect(201)).body.id;
    foreign.vendors = (await t.as(other.admin).post('/vendors', { name: 'Other vendor' }).expect(201)).body.id;
    foreign.policies = (
      await t
        .as(other.admin)
        .post('/policies', {
          name: 'Admin approves everything',
          rules: [{ condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'admin' } }],
        })
        .expect(201)
    ).body.id;
    // A public address (never reached here: there is no route out) so that the URL check passes.
    foreign['webhook-subscriptions'] = (
      await t
        .as(other.admin)
        .post('/webhook-subscriptions', { url: 'https://93.184.216.34/hooks', events: ['spend.submitted'] })
        .expect(201)
    ).body.id;
    foreign.spends = (
      await t.as(employee).post('/spends', { amount: '38.34', currency: 'USD', spend_date: '2026-08-13' }).expect(201)
    ).body.id;
    foreign.receipts = (
      await request(t.http)
        .post(`/api/v1/spends/${foreign.spends}/receipts`)
        .set(bearer(employee.accessToken))
        .attach('file', RECEIPT, 'receipt.jpg')
        .expect(201)
    ).body.id;
    const approvals = await request(t.http).get('/api/v1/approvals').set(bearer(other.admin.accessToken)).expect(200);
    foreign.approvals = approvals.body.items[0].id;
    foreign.deliveries = await until(async () => {
      const [row]: Array<{ id: string }> = await t.dataSource.query(
        `SELECT id FROM webhook_deliveries WHERE subscription_id = $1`,
        [foreign['webhook-subscriptions']],
      );
      return row?.id;
    }, 'the foreign webhook delivery');
    foreign.notifications = await until(async () => {
      const inbox = await request(t.http).get('/api/v1/notifications').set(bearer(other.admin.accessToken)).expect(200);
      return inbox.body.items[0]?.id as string | undefined;
    }, 'the foreign notification');
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method,
        path,
        operation,
        route: `${method.toUpperCase()} ${path}`,
      })),
    );
  const protectedOperations = () =>
    operations().filter(({ operation }) => (operation.security ?? []).some((s) => 'bearer' in (s as object)));

  /** The path with every parameter filled by `fill(name, path)`. */
  const concrete = (path: string, fill: (name: string, path: string) => string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => fill(name, path));

  /** A request body made of the documented examples: the smallest valid call a client would send. */
  function exampleBody(operation: Operation): Record<string, unknown> {
    const schema = resolve(operation.requestBody?.content['application/json']?.schema);
    const body: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      if (schema?.required?.includes(name) && property.example !== undefined) body[name] = property.example;
    }
    return body;
  }
  const resolve = (schema?: Schema): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()!] : schema;

  function call(method: string, url: string, token: string | null, operation: Operation, body: object) {
    let pending = (request(t.http) as unknown as Record<string, (url: string) => request.Test>)[method](url);
    if (token) pending = pending.set(bearer(token));
    const content = operation.requestBody?.content ?? {};
    if (content['multipart/form-data']) return pending.attach('file', RECEIPT, 'receipt.jpg');
    if (content['text/csv'])
      return pending.set('Content-Type', 'text/csv').send('date,currency,rate\n2026-08-13,EUR,1.1\n');
    return operation.requestBody ? pending.send(body) : pending;
  }

  it('documents the minimum role of every protected route', () => {
    const missing = protectedOperations()
      .filter(({ operation }) => !ROLES.includes(operation['x-minimum-role']!))
      .map((o) => o.route);
    expect(missing).toEqual([]);
    expect(protectedOperations().length).toBeGreaterThan(40);
  });

  it('answers 401 to every protected route without a token', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation, route } of protectedOperations()) {
      const response = await call(
        method,
        concrete(path, () => randomUUID()),
        null,
        operation,
        {},
      );
      if (response.status !== 401 || !String(response.headers['content-type']).startsWith('application/problem+json')) {
        wrong.push(`${route}: ${response.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 below the minimum role and never 401/403 at or above it', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation, route } of protectedOperations()) {
      const minimum = operation['x-minimum-role']!;
      for (const role of ROLES) {
        // Ids that exist nowhere and an empty body: nothing can change, only the gate answers.
        const response = await call(
          method,
          concrete(path, () => randomUUID()),
          callers[role].accessToken,
          operation,
          {},
        );
        const allowed = RANK[role] >= RANK[minimum];
        if (!allowed && (response.status !== 403 || response.body.code !== 'INSUFFICIENT_PERMISSIONS'))
          wrong.push(`${route} as ${role}: ${response.status}, expected 403`);
        if (allowed && (response.status === 401 || response.status === 403 || response.status >= 500))
          wrong.push(`${route} as ${role}: ${response.status}`);
        if (allowed && /\{\w+\}/.test(path) && ![404, 422].includes(response.status))
          wrong.push(`${route} as ${role} with unknown ids: ${response.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('judges API keys by the scope each route declares, and refuses them where it declares none', async () => {
    const wrong: string[] = [];
    const scoped = protectedOperations().filter(({ operation }) => operation['x-required-scope']);
    expect(scoped.length).toBeGreaterThan(25);
    for (const { method, path, operation, route } of protectedOperations()) {
      const needed = operation['x-required-scope'];
      const send = (key: string) =>
        call(
          method,
          concrete(path, () => randomUUID()),
          key,
          operation,
          {},
        );
      const all = await send(allScopes);
      if (!needed) {
        if (all.status !== 403 || all.body.code !== 'INSUFFICIENT_SCOPE' || all.body.required_scope !== null)
          wrong.push(`${route} with every scope: ${all.status} ${all.body?.code ?? ''}, expected 403 (no scope)`);
        continue;
      }
      if (all.status === 401 || all.status === 403 || all.status >= 500)
        wrong.push(`${route} with every scope: ${all.status} ${all.body?.code ?? ''}`);
      if (/\{\w+\}/.test(path) && ![404, 422].includes(all.status))
        wrong.push(`${route} with every scope and unknown ids: ${all.status}`);
      const without = await send(lacking[needed]);
      if (
        without.status !== 403 ||
        without.body.code !== 'INSUFFICIENT_SCOPE' ||
        without.body.required_scope !== needed
      )
        wrong.push(`${route} without ${needed}: ${without.status} ${without.body?.code ?? ''}, expected 403`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers 404 to an admin who names another organization's resources, on every route with ids", async () => {
    const wrong: string[] = [];
    const withIds = protectedOperations().filter(({ path }) => /\{\w+\}/.test(path));
    expect(withIds.length).toBeGreaterThan(20);
    for (const { method, path, operation, route } of withIds) {
      // Each parameter names a resource of the segment before it: /teams/{id}/members/{user_id}.
      const fill = (name: string, template: string) => {
        const before = template
          .slice(0, template.indexOf(`{${name}}`))
          .replace(/\/$/, '')
          .replace(/^\/api\/v1\//, '');
        const resource = before.split('/{')[0] === before ? before : before.split('/').pop()!;
        if (!foreign[resource])
          throw new Error(`${route}: no foreign fixture for "${resource}" ({${name}}); add one to this suite`);
        return foreign[resource];
      };
      const response = await call(
        method,
        concrete(path, fill),
        own.admin.accessToken,
        operation,
        exampleBody(operation),
      );
      if (response.status !== 404) wrong.push(`${route}: ${response.status} ${response.body?.code ?? ''}`);
      if (!operation['x-required-scope']) continue;
      const byKey = await call(method, concrete(path, fill), allScopes, operation, exampleBody(operation));
      if (byKey.status !== 404) wrong.push(`${route} with an API key: ${byKey.status} ${byKey.body?.code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });
});
