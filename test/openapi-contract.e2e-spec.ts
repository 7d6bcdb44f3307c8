import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

const ROOT = join(__dirname, '..');
const ARTIFACTS = join(ROOT, 'artifacts', 'openapi');
const DOCUMENT = join(ARTIFACTS, 'openapi.json');
const BIN = join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);

/** What test/openapi-client/spend-flow.ts takes and answers, as far as this suite asserts it. */
interface SpendFlowInput {
  baseUrl: string;
  admin: { email: string; password: string };
  employee: { email: string; password: string };
  receipt: { bytes: Uint8Array; filename: string; type: string };
}
interface SpendFlowResult {
  policy: { id: string; rules: unknown[] };
  spend: { id: string; policy_evaluation: { matched_rules: unknown[] } | null };
  receipt: { id: string };
  decision: unknown;
  decidedAgain: unknown;
  unknownSpend: unknown;
  after: { receipts: Array<{ id: string }> };
}

/** Runs a tool of node_modules/.bin; answers its exit code and output, for the failure message. */
async function tool(name: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(BIN, name), args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout}${failed.stderr}` };
  }
}

/**
 * The OpenAPI document as a client generator sees it: /docs-json is written to
 * artifacts/openapi/openapi.json, linted by Redocly (recommended) and Spectral (spectral:oas)
 * with no errors, turned into types by openapi-typescript, and a small client written with
 * openapi-fetch against those types (test/openapi-client) is type-checked and then run
 * against this app: it creates a policy and a spend, uploads a receipt and decides the approval.
 */
describe('the OpenAPI document drives a typed client', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const document = (await request(t.http).get('/docs-json').expect(200)).body;
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(DOCUMENT, JSON.stringify(document, null, 2));
  });
  afterAll(() => t.close());

  // Each tool starts a Node process of its own and reads a 1 MB document: seconds, not milliseconds.
  jest.setTimeout(180_000);

  it('passes Redocly lint (recommended rules, .redocly.yaml) with no errors', async () => {
    const { code, output } = await tool('redocly', ['lint', '--config', '.redocly.yaml', DOCUMENT]);
    expect({ code, errors: output.split('\n').filter((line) => /error/i.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
  });

  it('passes Spectral (spectral:oas, .spectral.yaml) with no errors', async () => {
    const { code, output } = await tool('spectral', [
      'lint',
      '--ruleset',
      '.spectral.yaml',
      '--fail-severity',
      'error',
      '--format',
      'text',
      DOCUMENT,
    ]);
    expect({ code, errors: output.split('\n').filter((line) => / error /.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
  });

  it('generates types with openapi-typescript that leave no body untyped, and the client compiles', async () => {
    const types = join(ARTIFACTS, 'schema.d.ts');
    // Defaults are what the server fills in, not fields a client must send.
    const generated = await tool('openapi-typescript', [
      DOCUMENT,
      '--output',
      types,
      '--default-non-nullable',
      'false',
    ]);
    expect(generated).toMatchObject({ code: 0 });
    // `Record<string, never>` is what an object schema without properties becomes: a body no client can fill.
    const untyped = readFileSync(types, 'utf8')
      .split('\n')
      .filter((line) => line.includes('Record<string, never>') && !/^export type (webhooks|\$defs)\b/.test(line));
    expect(untyped).toEqual([]);
    const project = join(ROOT, 'test', 'openapi-client', 'tsconfig.json');
    // The root tsconfig excludes test/openapi-client; a project that inherited that would check nothing.
    const files = await tool('tsc', ['-p', project, '--listFilesOnly']);
    expect(files.output).toContain(join('test', 'openapi-client', 'spend-flow.ts'));
    const compiled = await tool('tsc', ['-p', project]);
    expect(compiled).toEqual({ code: 0, output: '' });
  });

  it('runs the client: a policy, a spend, a receipt and an approval, each answer as typed', async () => {
    const organization = await t.given.organization();
    const employee = await t.given.user(organization, 'employee');
    // Loaded at run time, not imported: its types exist only once the test above generated them.
    const clientModule = join(__dirname, 'openapi-client', 'spend-flow');
    const { runSpendFlow } = (await import(clientModule)) as {
      runSpendFlow: (input: SpendFlowInput) => Promise<SpendFlowResult>;
    };
    const result: SpendFlowResult = await runSpendFlow({
      baseUrl,
      admin: { email: organization.admin.email, password: organization.admin.password },
      employee: { email: employee.email, password: employee.password },
      receipt: {
        bytes: readFileSync(join(ROOT, 'test', 'fixtures', 'receipts', 'synthetic-007.png')),
        filename: 'receipt.png',
        type: 'image/png',
      },
    });
    expect(result.policy).toMatchObject({ name: 'Client check', is_active: true, version: 1 });
    expect(result.policy.rules).toEqual([
      expect.objectContaining({ id: 'over-100', priority: 1, action: { type: 'require_approval', approver: 'admin' } }),
    ]);
    expect(result.spend).toMatchObject({ status: 'pending_approval', amount: '250.00', currency: 'USD' });
    expect(result.spend.policy_evaluation?.matched_rules).toEqual([
      expect.objectContaining({ rule_id: 'over-100', policy_id: result.policy.id }),
    ]);
    expect(result.receipt).toMatchObject({ spend_id: result.spend.id, mime_type: 'image/png' });
    expect(result.decision).toEqual({ status: 'ok', spend_status: 'approved' });
    expect(result.decidedAgain).toEqual({ status: 409, code: 'APPROVAL_ALREADY_DECIDED' });
    expect(result.unknownSpend).toEqual({ status: 404, code: 'SPEND_NOT_FOUND' });
    expect(result.after).toMatchObject({ id: result.spend.id, status: 'approved' });
    expect(result.after.receipts.map((r) => r.id)).toEqual([result.receipt.id]);
  });
});
