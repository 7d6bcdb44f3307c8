import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

type Operation = {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    {
      content?: Record<string, { schema?: { format?: string }; example?: unknown; examples?: Record<string, unknown> }>;
    }
  >;
};

describe('Platform: health, request ids, errors, OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('health', () => {
    it('GET /health answers liveness without a token', async () => {
      const response = await request(t.http).get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready checks the database', async () => {
      const response = await request(t.http).get('/health/ready').expect(200);
      expect(response.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    });

    it('is served outside the /api/v1 prefix only', async () => {
      expectProblem(await request(t.http).get('/api/v1/health'), 404, 'ROUTE_NOT_FOUND');
    });
  });

  describe('request ids', () => {
    it('echoes a sane X-Request-Id sent by the client, in the header and in problems', async () => {
      const response = await request(t.http).get('/api/v1/users/me').set('X-Request-Id', 'client-chosen-id-123');
      expect(response.headers['x-request-id']).toBe('client-chosen-id-123');
      expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
      expect(response.body.request_id).toBe('client-chosen-id-123');
    });

    it('mints a UUID when none (or an unsafe one) is sent', async () => {
      const plain = await request(t.http).get('/health');
      expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      for (const unsafe of ['has spaces in it', 'x'.repeat(200), '<script>']) {
        const response = await request(t.http).get('/health').set('X-Request-Id', unsafe);
        expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });
  });

  describe('errors', () => {
    it('answers unknown routes and methods with a 404 problem', async () => {
      expectProblem(await request(t.http).get('/api/v1/does-not-exist'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await request(t.http).delete('/api/v1/users/me'), 404, 'ROUTE_NOT_FOUND');
    });

    it('answers unknown paths outside /api/v1 with the same 404 problem, never an HTML page', async () => {
      for (const response of [
        await request(t.http).get('/nope'),
        await request(t.http).post('/nope').send({ a: 1 }),
        await request(t.http).get('/'),
        await request(t.http).delete('/health'),
        await request(t.http).get('/docs-json/nope'),
      ]) {
        expectProblem(response, 404, 'ROUTE_NOT_FOUND');
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.text).not.toMatch(/<html|Cannot (GET|POST)/i);
      }
    });

    it('sets security headers (helmet) and hides the framework', async () => {
      const response = await request(t.http).get('/health');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('refuses a JSON body nested deeper than 32 levels with 400 MALFORMED_JSON, before validation walks it', async () => {
      const org = await t.given.organization();
      let nested: unknown = 'bottom';
      for (let i = 0; i < 200; i++) nested = { a: nested };
      const response = await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(org.admin.accessToken))
        .send({ amount: '1.00', merchant: nested });
      expectProblem(response, 400, 'MALFORMED_JSON');
      expect(response.body.detail).toMatch(/deeper than 32/);
    });

    it('refuses text PostgreSQL cannot store (NUL, unpaired surrogates) with 422 naming the field, in bodies and queries', async () => {
      const org = await t.given.organization();
      const nul = await request(t.http)
        .post('/api/v1/categories')
        .set(bearer(org.admin.accessToken))
        .send({ name: 'Travel\u0000' });
      expectProblem(nul, 422, 'VALIDATION_FAILED');
      expect(nul.body.errors).toEqual([
        { field: 'name', message: 'must not contain NUL characters or unpaired surrogates' },
      ]);
      const surrogate = await request(t.http)
        .post('/api/v1/teams')
        .set(bearer(org.admin.accessToken))
        .set('Content-Type', 'application/json')
        .send('{"name": "Team \\ud800"}');
      expectProblem(surrogate, 422, 'VALIDATION_FAILED');
      const query = await request(t.http).get('/api/v1/admin/users?q=%00').set(bearer(org.admin.accessToken));
      expectProblem(query, 422, 'VALIDATION_FAILED');
      expect(query.body.errors).toEqual([
        { field: 'q', message: 'must not contain NUL characters or unpaired surrogates' },
      ]);
    });

    it('answers a request line too long for the HTTP parser with a 431 problem, not a bare status line', async () => {
      const response = await request(t.http).get(`/api/v1/spends/${'x'.repeat(20_000)}`);
      expectProblem(response, 431, 'HEADERS_TOO_LARGE');
    });

    it('answers an unexpected failure with a bare 500 problem and no internals', async () => {
      const org = await t.given.organization();
      // Break the schema under the running app: the handler's query fails in an unforeseen way.
      await t.dataSource.query(`ALTER TABLE organizations RENAME COLUMN settings TO settings_gone`);
      try {
        const response = await request(t.http).get('/api/v1/organization').set(bearer(org.admin.accessToken));
        expectProblem(response, 500, 'INTERNAL_ERROR');
        expect(response.body.detail).not.toMatch(/settings|column|organizations/i);
      } finally {
        await t.dataSource.query(`ALTER TABLE organizations RENAME COLUMN settings_gone TO settings`);
      }
    });
  });

  describe('OpenAPI document', () => {
    let document: {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    };

    beforeAll(async () => {
      const response = await request(t.http).get('/docs-json').expect(200);
      document = response.body;
    });

    it('is a valid OpenAPI 3 document', async () => {
      expect(document.openapi).toMatch(/^3\./);
      await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    });

    it('declares the bearer scheme the Authorize button uses', () => {
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    const operations = () =>
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          path,
          operation,
        })),
      );

    it('documents every route under /api/v1 and the health checks', () => {
      const routes = operations().map((o) => o.route);
      for (const expected of [
        'POST /api/v1/auth/login',
        'GET /api/v1/users/me',
        'GET /api/v1/admin/users',
        'PATCH /api/v1/organization',
        'PUT /api/v1/teams/{id}/members/{user_id}',
        'DELETE /api/v1/vendors/{id}',
        'GET /health/ready',
      ]) {
        expect(routes).toContain(expected);
      }
    });

    it('gives every route a documented success answer with a schema, and problem answers with examples', () => {
      const gaps: string[] = [];
      for (const { route, operation } of operations()) {
        const statuses = Object.keys(operation.responses);
        const success = statuses.filter((s) => /^2/.test(s));
        if (success.length === 0) gaps.push(`${route}: no 2xx response`);
        for (const status of success) {
          const content = operation.responses[status].content;
          // A download documents its media types with a binary schema instead of JSON.
          const download =
            content &&
            Object.values(content).length > 0 &&
            Object.values(content).every((media) => media.schema?.format === 'binary');
          const json = content?.['application/json'] ?? content?.['application/scim+json'];
          if (status !== '204' && !download && !json?.schema) gaps.push(`${route}: ${status} has no JSON schema`);
        }
        if (route.startsWith('GET /health')) continue;
        const problems = statuses.filter((s) => /^[45]/.test(s));
        if (problems.length === 0) gaps.push(`${route}: no error responses`);
        // SCIM clients read RFC 7644 errors, not problems (docs/integrations-scim.md).
        const errorType = route.includes('/scim/v2/') ? 'application/scim+json' : 'application/problem+json';
        for (const status of problems) {
          const problem = operation.responses[status].content?.[errorType];
          if (!problem?.schema) gaps.push(`${route}: ${status} is not a ${errorType} response`);
          if (!problem?.examples || Object.keys(problem.examples).length === 0)
            gaps.push(`${route}: ${status} has no example`);
        }
      }
      expect(gaps).toEqual([]);
    });

    it('keeps every problem documented for a status, whichever decorator named it', () => {
      const codes = (path: string, status: string) =>
        Object.keys(document.paths[path].post.responses[status].content?.['application/problem+json']?.examples ?? {});
      // The route's own (EXCHANGE_RATE_MISSING), @ApiValidation's, @Idempotent's: one response per status holds them all.
      expect(codes('/api/v1/spends', '422')).toEqual(
        expect.arrayContaining(['EXCHANGE_RATE_MISSING', 'VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REUSED']),
      );
      expect(codes('/api/v1/spends', '400')).toEqual(
        expect.arrayContaining(['MALFORMED_JSON', 'INVALID_IDEMPOTENCY_KEY']),
      );
      expect(codes('/api/v1/webhook-subscriptions', '422')).toEqual(
        expect.arrayContaining(['WEBHOOK_URL_FORBIDDEN', 'VALIDATION_FAILED']),
      );
    });

    it('marks every non-public route with the bearer scheme and a 401 answer', () => {
      const publicRoutes = [
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/mfa',
        'POST /api/v1/auth/password-reset',
        'POST /api/v1/auth/password-reset/confirm',
        'POST /api/v1/operator/auth/login',
        'GET /health',
        'GET /health/ready',
      ];
      // The identity provider authenticates with its organization's signature instead of a token,
      // SCIM clients with an API key, the installation's operator with a token of their own.
      const schemeOf = (route: string) =>
        route === 'POST /api/v1/events/webhook/{organization_id}'
          ? 'webhook-signature'
          : route.includes(' /api/v1/scim/v2/')
            ? 'apiKey'
            : route.includes(' /api/v1/operator/')
              ? 'operator'
              : 'bearer';
      const gaps: string[] = [];
      for (const { route, operation } of operations()) {
        if (publicRoutes.includes(route)) continue;
        if (!operation.security?.some((s) => schemeOf(route) in s))
          gaps.push(`${route}: no ${schemeOf(route)} security`);
        if (!operation.responses['401']) gaps.push(`${route}: no 401`);
      }
      expect(gaps).toEqual([]);
    });

    it('documents request bodies with schemas that carry examples', () => {
      const gaps: string[] = [];
      const schemas = (
        document.components as unknown as {
          schemas: Record<string, { properties?: Record<string, { example?: unknown; $ref?: string }> }>;
        }
      ).schemas;
      for (const { route, operation } of operations()) {
        const body = operation.requestBody?.content;
        const schema = (body?.['application/json'] ?? body?.['application/scim+json'])?.schema as
          { $ref?: string } | undefined;
        if (!schema?.$ref) continue;
        const name = schema.$ref.split('/').pop()!;
        for (const [field, property] of Object.entries(schemas[name].properties ?? {})) {
          if (property.example === undefined && !property.$ref) gaps.push(`${route}: ${name}.${field} has no example`);
        }
      }
      expect(gaps).toEqual([]);
    });

    it('serves Swagger UI at /docs', async () => {
      const response = await request(t.http).get('/docs').expect(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toContain('swagger-ui');
    });
  });
});
