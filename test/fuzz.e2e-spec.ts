import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import type { Role } from '../src/common/auth/roles';
import type { TestOrganization, TestUser } from './helpers/given';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
};
type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  parameters?: Array<{ name: string; in: string }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/**
 * How many malformed requests one run sends: 10,000 in CI, 2,000 on a developer's machine (a
 * different seed each run, so runs add up); FUZZ_RUNS sets it, FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CI === 'true' ? 10_000 : 2_000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** Mutations with no input to reject (mark all read, make or remove the identity provider's secret): excluded, they are meant to succeed. */
const NO_INPUT_ROUTES = new Set([
  'POST /api/v1/notifications/read-all',
  'POST /api/v1/organization/identity-provider/secret',
  'DELETE /api/v1/organization/identity-provider/secret',
]);

const NASTY_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE spends; --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\uD800',
  '\uFEFF',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '🧾💸'.repeat(50),
  'ｍｅｒｃｈａｎｔ',
  '\u202Eevil',
  ' ',
  '',
  'NaN',
  '-0',
  '1e309',
  'null',
  'true',
];
/** Sent as they are, not percent-encoded: malformed escapes in the path. */
const RAW_PATH_IDS = ['%E0%A4%A', '%zz', '%00', '..%2f..%2f'];
/** Lone surrogates cannot be percent-encoded; what a client sends for them is U+FFFD. */
const wellFormed = (value: string) => (value as string & { toWellFormed(): string }).toWellFormed();
const NOT_UUIDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  "1' OR '1'='1",
  '%2e%2e%2f',
  '\u0000',
  'a'.repeat(5000),
  '-1',
  '0',
  '9'.repeat(40),
];

/**
 * SCIM's routes answer RFC 7644 errors (application/scim+json), every other route problem+json;
 * what Node's HTTP parser refuses before any route is known (431 headers too large, 408, 400 not
 * HTTP) is problem+json everywhere.
 */
const isScim = (path: string) => path.startsWith('/api/v1/scim/v2/');
const PARSER_STATUSES = [408, 431];
function errorFormatOk(path: string, response: request.Response): boolean {
  const type = String(response.headers['content-type']);
  if (!isScim(path) || PARSER_STATUSES.includes(response.status)) return type.startsWith('application/problem+json');
  return (
    type.startsWith('application/scim+json') &&
    response.body?.schemas?.[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
    response.body.status === String(response.status)
  );
}

/**
 * Malformed requests against every documented route, generated with fast-check: wrong types,
 * missing and extra fields, huge strings and arrays, deep nesting, invalid ids, SQL and script
 * snippets, unicode edge cases, oversized bodies, wrong content types, truncated multipart and
 * files whose bytes lie, with valid, forged, expired and missing tokens. Every answer must be
 * a 4xx problem+json (never a 5xx, never a success for a mutation), and the database must be
 * exactly as it was.
 */
describe('Fuzzing every route with malformed requests', () => {
  let t: TestApp;
  let document: Document;
  let org: TestOrganization;
  const users = {} as Record<Role, TestUser>;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await request(t.http).get('/docs-json').expect(200)).body;
    org = await t.given.organization();
    users.admin = org.admin;
    for (const role of ['employee', 'manager', 'finance'] as const) users[role] = await t.given.user(org, role);
    // Some rows for the routes to find and misuse.
    await request(t.http)
      .post('/api/v1/spends')
      .set('Authorization', `Bearer ${users.employee.accessToken}`)
      .send({ amount: '12.50', currency: 'USD', spend_date: '2026-08-13', merchant: 'Fuzz Café' })
      .expect(201);
  });
  afterAll(() => t.close());

  /** Every table's rows, hashed: what a rejected request must leave alone. */
  async function snapshot(): Promise<Record<string, string>> {
    const tables: Array<{ name: string }> = await t.dataSource.query(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata') ORDER BY 1`,
    );
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      // A wrong password is a rejected request that is meant to leave a trace (throttling, audit).
      const where = name === 'audit_logs' ? `WHERE action <> 'auth.login_failed'` : '';
      if (name === 'login_attempts') continue;
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x ${where}`,
      );
      result[name] = `${row.n}:${row.h}`;
    }
    return result;
  }

  const resolve = (schema?: Schema): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()!] : schema;

  // Ten thousand requests take a minute or two on a small machine; the suite is not a timed test.
  jest.setTimeout(600_000);

  it(`answers ${RUNS} malformed requests with 4xx problems and changes nothing (seed ${SEED})`, async () => {
    const operations = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method,
          path,
          operation,
          route: `${method.toUpperCase()} ${path}`,
        })),
      )
      .filter(({ route }) => !NO_INPUT_ROUTES.has(route) && !route.startsWith('GET /health'));

    const forged = (claims: object, secret = TEST_JWT_SECRET, alg = 'HS256') => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
      return `${unsigned}.${alg === 'none' ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const token = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .constantFrom(...(Object.keys(users) as Role[]))
          .map((role) => `Bearer ${users[role].accessToken}`),
      },
      fc.constant(undefined),
      fc.constantFrom(
        'Bearer ',
        'Bearer not.a.jwt',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer ${'x'.repeat(9000)}`,
        `Bearer ${forged({ sub: randomUUID(), exp: now + 600 }, 'wrong-secret')}`,
        `Bearer ${forged({ sub: org.admin.id, org: org.id, role: 'admin', exp: now - 600 })}`,
        `Bearer ${forged({ sub: org.admin.id, org: org.id, role: 'admin', exp: now + 600 }, '', 'none')}`,
      ),
    );
    const nasty = fc.oneof(
      fc.constantFrom(...NASTY_STRINGS),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constant('x'.repeat(100_000)),
    );
    const wrongValue = fc.oneof(
      nasty,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
      fc.array(fc.string(), { minLength: 5000, maxLength: 5000 }),
      fc.constant(-1),
      fc.constant(Number.MAX_SAFE_INTEGER),
      fc.constant({ $gt: '' }),
      fc.constant({ __proto__: { admin: true } }),
      fc.constant({ constructor: { prototype: { polluted: true } } }),
    );
    // Written out as text: JSON.stringify itself overflows the stack a few thousand levels down,
    // which would fail the client instead of testing the server.
    const deep = fc
      .record({ depth: fc.integer({ min: 50, max: 20_000 }), array: fc.boolean() })
      .map(({ depth, array }) =>
        array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '"bottom"' + '}'.repeat(depth),
      );

    const anyRequest = fc.record({
      op: fc.constantFrom(...operations),
      token,
      idValue: fc.oneof(fc.constantFrom(...NOT_UUIDS, ...RAW_PATH_IDS), fc.uuid(), nasty),
      query: fc.dictionary(
        fc.constantFrom(
          'limit',
          'offset',
          'cursor',
          'q',
          'from',
          'to',
          'status',
          'user_id',
          'group_by',
          'format',
          'unread_only',
          'x',
          '__proto__',
          'limit[]',
        ),
        wrongValue.map(String),
        { maxKeys: 3 },
      ),
      defect: fc.constantFrom(
        'wrong_type',
        'missing_required',
        'extra_field',
        'deep_nesting',
        'huge_array',
        'raw_malformed',
        'wrong_content_type',
        'oversized',
        'multipart_lies',
        'truncated_multipart',
      ),
      field: fc.nat(),
      value: wrongValue,
      nesting: deep,
      extraKey: fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'id', 'organization_id', 'role', 'status', 'is_admin'),
        fc.string({ minLength: 1, maxLength: 20 }),
      ),
      raw: fc.constantFrom(
        '{',
        '{"amount": ',
        '[1,2',
        'null',
        '"string"',
        '{"a":1}}',
        '\u0000\u0001',
        '{"amount": 1e999999}',
        'NaN',
        '<xml/>',
      ),
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'image/png',
      ),
    });

    const before = await snapshot();
    const failures: string[] = [];
    const samples = fc.sample(anyRequest, { numRuns: RUNS, seed: SEED });
    const probe = async (sample: (typeof samples)[number]): Promise<void> => {
      const { op } = sample;
      const id = RAW_PATH_IDS.includes(sample.idValue)
        ? sample.idValue
        : encodeURIComponent(wellFormed(sample.idValue));
      const url = op.path.replace(/\{\w+\}/g, () => id);
      const query = Object.fromEntries(Object.entries(sample.query).map(([key, value]) => [key, wellFormed(value)]));
      let call = (request(t.http) as unknown as Record<string, (url: string) => request.Test>)
        [op.method](url)
        .query(query);
      if (sample.token) call = call.set('Authorization', sample.token);
      const schema = resolve(op.operation.requestBody?.content['application/json']?.schema);
      const example: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema?.properties ?? {}))
        if (property.example !== undefined) example[name] = property.example;
      const fields = Object.keys(example);
      const field = fields[sample.field % Math.max(1, fields.length)];
      let defect = sample.defect;
      // Without a body to spoil, a request is malformed by its id, query or token, or by a body it must not have.
      const multipart = Boolean(op.operation.requestBody?.content['multipart/form-data']);
      if (!multipart && (defect === 'multipart_lies' || defect === 'truncated_multipart')) defect = 'extra_field';
      switch (defect) {
        case 'wrong_type':
          call = call.send(field ? { ...example, [field]: sample.value, __fuzz: 1 } : { __fuzz: sample.value });
          break;
        case 'missing_required':
          call = call.send({ ...Object.fromEntries(Object.entries(example).filter(([k]) => k !== field)), __fuzz: 1 });
          break;
        case 'extra_field':
          call = call.send({ ...example, [sample.extraKey]: sample.value, __fuzz: true });
          break;
        case 'deep_nesting':
          call = call
            .set('Content-Type', 'application/json')
            .send(JSON.stringify({ ...example, [field ?? 'a']: 0 }).replace(/0}$/, `${sample.nesting}}`));
          break;
        case 'huge_array':
          call = call
            .send(JSON.stringify({ ...example, [field ?? 'a']: Array.from({ length: 20_000 }, (_, i) => i) }))
            .set('Content-Type', 'application/json');
          break;
        case 'raw_malformed':
          call = call.set('Content-Type', 'application/json').send(sample.raw);
          break;
        case 'wrong_content_type':
          call = call.set('Content-Type', sample.contentType).send(JSON.stringify(example));
          break;
        case 'oversized':
          call = call.set('Content-Type', 'application/json').send(`{"a":"${'x'.repeat(1100 * 1024)}"}`);
          break;
        case 'multipart_lies':
          call = call
            .attach('file', Buffer.from(`%PDF-1.7 not really ${sample.raw}`), {
              filename: 'receipt.png',
              contentType: 'image/png',
            })
            .field('spend_id', sample.idValue);
          break;
        case 'truncated_multipart':
          call = call
            .set('Content-Type', 'multipart/form-data; boundary=----fuzz')
            .send(
              '------fuzz\r\nContent-Disposition: form-data; name="file"; filename="r.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff',
            );
          break;
      }
      let response: request.Response;
      try {
        response = await call;
      } catch (error) {
        failures.push(`${op.route} [${defect}]: request failed: ${(error as Error).message}`);
        return;
      }
      const where = `${op.route} [${defect}] ${url.slice(0, 80)} → ${response.status}`;
      if (response.status >= 500) failures.push(`${where}: ${JSON.stringify(response.body).slice(0, 200)}`);
      else if (response.status >= 400 && !errorFormatOk(op.path, response))
        failures.push(`${where}: not ${isScim(op.path) ? 'a SCIM error' : 'problem+json'}`);
      else if (
        response.status >= 400 &&
        !isScim(op.path) &&
        (typeof response.body.code !== 'string' || response.body.status !== response.status)
      )
        failures.push(`${where}: problem without code/status`);
      else if (response.status < 400 && op.method !== 'get')
        failures.push(`${where}: a malformed ${op.method.toUpperCase()} was accepted`);
    };
    // A few requests in flight at once, as clients would send them; stop early once failures pile up.
    let next = 0;
    const lane = async () => {
      while (next < samples.length && failures.length < 25) await probe(samples[next++]);
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('takes hostile text in every string field of an otherwise valid body without a 5xx', async () => {
    // Unlike the malformed requests above, these can succeed: they reach the use cases and the
    // database (inserts, jsonb, audit metadata), which is where unstorable text used to fail.
    const failures: string[] = [];
    let sent = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      if (/\{\w+\}/.test(path) && !path.endsWith('/me')) continue;
      for (const [method, operation] of Object.entries(methods)) {
        const schema = resolve(operation.requestBody?.content['application/json']?.schema);
        if (!schema?.properties) continue;
        const example = Object.fromEntries(
          Object.entries(schema.properties)
            .filter(([, p]) => p.example !== undefined)
            .map(([n, p]) => [n, p.example]),
        );
        const textFields = Object.entries(schema.properties)
          .filter(([, p]) => resolve(p)?.type === 'string')
          .map(([name]) => name);
        for (const field of textFields) {
          for (const hostile of [...NASTY_STRINGS, 'a\u0000b']) {
            sent++;
            const response = await (request(t.http) as unknown as Record<string, (url: string) => request.Test>)
              [method](path)
              .set('Authorization', `Bearer ${users.admin.accessToken}`)
              .send({ ...example, [field]: hostile });
            const where = `${method.toUpperCase()} ${path} ${field}=${JSON.stringify(hostile).slice(0, 30)} → ${response.status}`;
            if (response.status >= 500) failures.push(`${where}: ${JSON.stringify(response.body).slice(0, 160)}`);
            else if (response.status >= 400 && !errorFormatOk(path, response))
              failures.push(`${where}: not ${isScim(path) ? 'a SCIM error' : 'problem+json'}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(300);
    expect(failures.slice(0, 25)).toEqual([]);
  });
});
