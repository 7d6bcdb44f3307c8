import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { LADDER, ROLES, type LadderRole, type Role } from '../src/common/auth/roles';
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
  'x-minimum-role'?: LadderRole;
  'x-roles'?: Role[];
  'x-required-scope'?: ApiKeyScope;
  'x-operator-only'?: boolean;
  requestBody?: { content: Record<string, { schema?: Schema }> };
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/**
 * What the accountant, on no rung of the ladder, must never reach whatever a route's `x-roles`
 * says: approving, paying, and administering users, policies, webhooks and the organization.
 */
const NEVER_ACCOUNTANT = [
  /^\w+ \/api\/v1\/approvals/,
  /^POST \/api\/v1\/spends\/\{id\}\/pay$/,
  /^POST \/api\/v1\/advances\/\{id\}\/pay$/,
  /^POST \/api\/v1\/policies/,
  /^\w+ \/api\/v1\/admin\//,
  /^(POST|PATCH|PUT|DELETE) \/api\/v1\/(policies|teams|organization)/,
  /^\w+ \/api\/v1\/(webhook-subscriptions|organization\/identity-provider)/,
];
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));

/**
 * The authorization matrix, generated from the OpenAPI document: every documented route ×
 * every role × the caller's own and another organization's ids. A route added later is in
 * the matrix without anyone writing a line, and fails it if it answers what docs/api.md forbids:
 * - without a token, every protected route answers 401;
 * - to a role not in the route's `x-roles` (the ladder from `x-minimum-role` up, and the
 *   accountant where the route admits them), 403, and nothing else;
 * - to a role in it, never 401 or 403 (ids that do not exist answer 404 or a validation 422);
 * - with another organization's real ids, even an admin, or an accountant on the routes they may
 *   call, gets 404: nothing of it is visible.
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
    for (const role of ['employee', 'manager', 'finance', 'accountant'] as const)
      callers[role] = await t.given.user(own, role);
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
    foreign['organization/mileage-rates'] = (
      await t
        .as(other.admin)
        .post('/organization/mileage-rates', {
          vehicle_type: 'car',
          unit: 'km',
          rate_milli_minor: 30000,
          currency: 'EUR',
          valid_from: '2026-01-01',
        })
        .expect(201)
    ).body.id;
    // A payout batch: an approved spend (made before the policy below exists) of a payee with bank details.
    await t
      .as(employee)
      .put('/users/me/bank-account', {
        kind: 'us_ach',
        holder_name: 'Other Payee',
        routing_number: '011000015',
        account_number: '123456789',
        account_type: 'checking',
      })
      .expect(200);
    const payable = (
      await t.as(employee).post('/spends', { amount: '12.00', currency: 'USD', spend_date: '2026-08-12' }).expect(201)
    ).body.id;
    foreign['payout-batches'] = (
      await t
        .as(other.admin)
        .post('/payout-batches', { items: [{ item_type: 'spend', item_id: payable }] })
        .expect(201)
    ).body.id;
    foreign['organization/per-diem-rates'] = (
      await t
        .as(other.admin)
        .post('/organization/per-diem-rates', {
          country: 'DE',
          currency: 'EUR',
          full_day_minor: 2800,
          partial_day_minor: 1400,
          valid_from: '2026-01-01',
        })
        .expect(201)
    ).body.id;
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
    foreign.advances = (
      await t.as(employee).post('/advances', { amount: '120.00', currency: 'USD', purpose: 'Fair' }).expect(201)
    ).body.id;
    foreign.receipts = (
      await request(t.http)
        .post(`/api/v1/spends/${foreign.spends}/receipts`)
        .set(bearer(employee.accessToken))
        .attach('file', RECEIPT, 'receipt.jpg')
        .expect(201)
    ).body.id;
    foreign['expense-reports'] = (
      await t
        .as(employee)
        .post('/expense-reports', { title: 'Other trip', starts_on: '2026-08-12', ends_on: '2026-08-14' })
        .expect(201)
    ).body.id;
    foreign.budgets = (
      await t
        .as(other.admin)
        .post('/budgets', { name: 'Other budget', scope: 'organization', period: 'month', amount: '100.00' })
        .expect(201)
    ).body.id;
    // /reports/{report_id} and /reports/{report_id}/download: a stored report of the other organization's admin.
    foreign.reports = (await t.as(other.admin).post('/reports', { kind: 'summary' }).expect(202)).body.id;
    // /users/me/delegations/{delegation_id} and /admin/users/{id}/delegations/{delegation_id}.
    const today = new Date().toISOString().slice(0, 10);
    foreign['users/me/delegations'] = (
      await t
        .as(employee)
        .post('/users/me/delegations', { delegate_id: other.admin.id, starts_on: today, ends_on: today })
        .expect(201)
    ).body.id;
    foreign.delegations = foreign['users/me/delegations'];
    // /expense-reports/{id}/spends/{spend_id} and /lines/{spend_id}: the other organization's spend.
    foreign.lines = foreign.spends;
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

  it('documents the minimum role and the roles of every protected route', () => {
    const wrong = protectedOperations()
      .filter(({ operation }) => {
        const minimum = operation['x-minimum-role']!;
        const roles = operation['x-roles'] ?? [];
        const ladder = LADDER.slice(LADDER.indexOf(minimum));
        // x-roles is the ladder from the minimum up, plus the accountant when admitted; nothing else.
        return (
          !LADDER.includes(minimum) ||
          JSON.stringify(roles.filter((r) => r !== 'accountant')) !== JSON.stringify(ladder) ||
          roles.some((r) => !ROLES.includes(r))
        );
      })
      .map((o) => o.route);
    expect(wrong).toEqual([]);
    expect(protectedOperations().length).toBeGreaterThan(40);
  });

  it('never admits the accountant to approving, paying or administering', () => {
    const admitted = protectedOperations().filter(({ operation }) => operation['x-roles']!.includes('accountant'));
    expect(
      admitted.filter(({ route }) => NEVER_ACCOUNTANT.some((never) => never.test(route))).map((o) => o.route),
    ).toEqual([]);
    // What the role is for: reading spends, receipts, reports, the audit log; managing categories and vendors.
    expect(admitted.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/spends/{id}',
        'GET /api/v1/receipts/{id}/file',
        'GET /api/v1/reports/export',
        'POST /api/v1/reports',
        'GET /api/v1/reports/{report_id}/download',
        'GET /api/v1/audit-logs/verify',
        'GET /api/v1/audit-logs/export',
        'PATCH /api/v1/categories/{id}',
      ]),
    );
  });

  // The installation operator's routes: no organization credential opens them, an admin's neither.
  const operatorOperations = () => operations().filter(({ operation }) => operation['x-operator-only'] === true);

  it("documents the operator's routes with the operator scheme alone, and no minimum role", () => {
    const wrong = operatorOperations()
      .filter(
        ({ operation }) =>
          operation['x-minimum-role'] !== undefined ||
          JSON.stringify(operation.security) !== JSON.stringify([{ operator: [] }]),
      )
      .map((o) => o.route);
    expect(wrong).toEqual([]);
    expect(operatorOperations().length).toBeGreaterThanOrEqual(4);
    const unmarked = operations().filter(
      ({ operation, path }) =>
        path.startsWith('/api/v1/operator/') && !path.includes('/auth/') && !operation['x-operator-only'],
    );
    expect(unmarked.map((o) => o.route)).toEqual([]);
  });

  it("answers 401 without a token and 403 OPERATOR_ONLY to every organization role on the operator's routes", async () => {
    const wrong: string[] = [];
    for (const { method, path, operation, route } of operatorOperations()) {
      const url = concrete(path, () => randomUUID());
      const anonymous = await call(method, url, null, operation, {});
      if (anonymous.status !== 401) wrong.push(`${route} without a token: ${anonymous.status}`);
      for (const role of ROLES) {
        const response = await call(method, url, callers[role].accessToken, operation, exampleBody(operation));
        if (response.status !== 403 || response.body.code !== 'OPERATOR_ONLY')
          wrong.push(`${route} as ${role}: ${response.status} ${response.body?.code ?? ''}`);
      }
      const byKey = await call(method, url, allScopes, operation, exampleBody(operation));
      if (byKey.status !== 403 || byKey.body.code !== 'OPERATOR_ONLY')
        wrong.push(`${route} with an API key: ${byKey.status} ${byKey.body?.code ?? ''}`);
    }
    expect(wrong).toEqual([]);
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

  it("answers 403 to a role not in the route's x-roles and never 401/403 to one in it", async () => {
    const wrong: string[] = [];
    for (const { method, path, operation, route } of protectedOperations()) {
      for (const role of ROLES) {
        // Ids that exist nowhere and an empty body: nothing can change, only the gate answers.
        const response = await call(
          method,
          concrete(path, () => randomUUID()),
          callers[role].accessToken,
          operation,
          {},
        );
        const allowed = operation['x-roles']!.includes(role);
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

  it.each(['admin', 'accountant'] as const)(
    "answers 404 to an %s who names another organization's resources, on every route with ids they may call",
    async (role) => {
      const wrong: string[] = [];
      const withIds = protectedOperations().filter(
        ({ path, operation }) => /\{\w+\}/.test(path) && operation['x-roles']!.includes(role),
      );
      expect(withIds.length).toBeGreaterThan(role === 'admin' ? 20 : 8);
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
          callers[role].accessToken,
          operation,
          exampleBody(operation),
        );
        if (response.status !== 404) wrong.push(`${route}: ${response.status} ${response.body?.code ?? ''}`);
        if (role !== 'admin' || !operation['x-required-scope']) continue;
        const byKey = await call(method, concrete(path, fill), allScopes, operation, exampleBody(operation));
        if (byKey.status !== 404) wrong.push(`${route} with an API key: ${byKey.status} ${byKey.body?.code ?? ''}`);
      }
      expect(wrong).toEqual([]);
    },
  );
});
