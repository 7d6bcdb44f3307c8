import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

const ROOT = join(__dirname, '..');
const API_DOC = join(ROOT, 'docs', 'api.md');

/** `METHOD /path` of every endpoint-table row of docs/api.md: `| GET | \`/spends/{id}\` | …`. */
function documentedRoutes(markdown: string): string[] {
  return [...markdown.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|/gm)].map(
    ([, method, path]) => `${method} ${path}`,
  );
}

/** Every problem code a module declares: `CODE: { status: …` in src/**\/*.errors.ts. */
function declaredCodes(directory = join(ROOT, 'src')): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return declaredCodes(path);
    if (!name.endsWith('.errors.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+): \{ status: \d{3}/gm)].map((m) => m[1]);
  });
}

/** docs/api.md, the contract written for people, against what the code serves and declares. */
describe('docs/api.md matches the code', () => {
  let t: TestApp;
  let served: string[];

  beforeAll(async () => {
    // Only the OpenAPI document is needed: no queue. (An app closed moments after it started on
    // Redis sees Bull's connections still opening, and ioredis rejects them as closed.)
    t = await createTestApp({ REDIS_URL: '' });
    const document = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    served = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1(?=\/)/, '')}`),
    );
  });
  afterAll(() => t.close());

  it('lists every route of the OpenAPI document, and no route that does not exist', () => {
    const documented = documentedRoutes(readFileSync(API_DOC, 'utf8'));
    expect(served.length).toBeGreaterThan(60);
    expect({
      undocumented: served.filter((r) => !documented.includes(r)),
      unknown: documented.filter((r) => !served.includes(r)),
    }).toEqual({ undocumented: [], unknown: [] });
    expect(documented.filter((route, index) => documented.indexOf(route) !== index)).toEqual([]);
  });

  it('names every problem code the modules declare', () => {
    const text = readFileSync(API_DOC, 'utf8');
    const codes = declaredCodes();
    expect(codes.length).toBeGreaterThan(70);
    expect(codes.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
  });
});
