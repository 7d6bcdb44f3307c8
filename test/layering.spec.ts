import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { forbiddenEdges, importGraph, LayerRule, readSources, ROOT } from './helpers/import-graph';

/*
 * The layering of docs/architecture.md ("Modules and layering"), checked on every import of
 * src/ (type-only ones too). Modules call each other downward only; a rule below names the
 * edges that would point up. The same table stands in the documentation: change both together.
 */

const SRC = resolve(__dirname, '..', 'src');

const BASE = ['common', 'config', 'database'];
const PLATFORM = ['audit', 'jobs'];
const IDENTITY = ['sessions', 'users', 'organizations', 'identity', 'auth', 'operators'];
const WORKFLOW = [
  'catalog',
  'exchange-rates',
  'rates',
  'policies',
  'approvals',
  'spends',
  'advances',
  'expense-reports',
  'receipts',
  'reports',
  'payouts',
  'notifications',
  'webhooks',
];
const PROVISIONING = ['scim'];
const OPERATIONS = ['health', 'backups'];
const MODULES = [...BASE, ...PLATFORM, ...IDENTITY, ...WORKFLOW, ...PROVISIONING, ...OPERATIONS];
const except = (...allowed: string[]) => [...MODULES, ROOT].filter((module) => !allowed.includes(module));

const RULES: LayerRule[] = [
  { from: MODULES, mayNotImport: [ROOT], why: 'the composition root (src/*.ts) wires the modules; none imports it' },
  { from: BASE, mayNotImport: except(...BASE), why: 'common, config and database sit below every module' },
  { from: PLATFORM, mayNotImport: except(...BASE), why: 'audit and jobs are global services below every domain' },
  { from: ['sessions'], mayNotImport: ['users', 'organizations', 'auth'], why: 'sessions sit below users and auth' },
  {
    from: ['users'],
    mayNotImport: ['organizations', 'identity', 'auth'],
    why: 'auth and organizations need users, not the reverse',
  },
  {
    from: ['identity'],
    mayNotImport: ['organizations', 'auth'],
    why: "identity keeps the OpenID provider settings and links; auth's bearer guard calls it",
  },
  {
    from: ['sessions', 'users', 'organizations', 'identity', 'auth'],
    mayNotImport: ['operators'],
    why: "the installation's operator stands above the organizations, users and logins it manages",
  },
  {
    from: IDENTITY,
    mayNotImport: [...WORKFLOW, ...PROVISIONING, ...OPERATIONS],
    why: 'identity sits below the workflow and SCIM provisioning',
  },
  {
    from: PROVISIONING,
    mayNotImport: [...WORKFLOW, ...OPERATIONS],
    why: 'SCIM provisions users and teams through the identity modules, and knows nothing of the workflow',
  },
  { from: WORKFLOW, mayNotImport: PROVISIONING, why: 'nothing of the workflow depends on how users are provisioned' },
  {
    from: ['catalog', 'exchange-rates', 'rates'],
    mayNotImport: [
      'policies',
      'approvals',
      'spends',
      'advances',
      'expense-reports',
      'receipts',
      'reports',
      'notifications',
      'webhooks',
    ],
    why: 'catalog, exchange rates and rate tables are looked up by spends, and know nothing of them',
  },
  {
    from: ['policies'],
    mayNotImport: ['approvals', 'spends', 'expense-reports', 'receipts', 'reports', 'notifications', 'webhooks'],
    why: 'policies judge facts handed to them; spends calls them',
  },
  {
    from: ['approvals'],
    mayNotImport: ['spends', 'expense-reports', 'receipts', 'reports', 'notifications', 'webhooks'],
    why: 'approvals announce a decision (ApprovalEvents) and spends reacts; approvals never import spends',
  },
  {
    from: ['spends'],
    mayNotImport: ['expense-reports', 'receipts', 'reports', 'notifications', 'webhooks'],
    why: 'expense reports, receipts and reports build on spends; notifications and webhooks hear of spends through the outbox',
  },
  {
    from: ['expense-reports'],
    mayNotImport: ['receipts', 'reports', 'notifications', 'webhooks'],
    why: "expense reports group spends (spends' ReportLines), offset advances (advances' AdvanceLinks) and are decided by approvals; they announce decisions through the outbox",
  },
  {
    from: ['receipts', 'reports'],
    mayNotImport: ['expense-reports', 'receipts', 'reports', 'notifications', 'webhooks'],
    why: 'receipts and reports are siblings at the top of the workflow',
  },
  {
    from: ['notifications', 'webhooks'],
    mayNotImport: [
      'policies',
      'approvals',
      'spends',
      'expense-reports',
      'receipts',
      'reports',
      'notifications',
      'webhooks',
    ],
    why: 'notifications and webhooks consume outbox topics, never the modules whose changes they report',
  },
  {
    from: ['advances'],
    mayNotImport: ['spends', 'expense-reports', 'receipts', 'reports', 'notifications', 'webhooks'],
    why: 'advances stand beside spends on policies and approvals; notifications and webhooks hear of them through the outbox',
  },
  {
    from: [
      ...BASE,
      ...PLATFORM,
      ...IDENTITY,
      'catalog',
      'exchange-rates',
      'rates',
      'policies',
      'approvals',
      'spends',
      'receipts',
    ],
    mayNotImport: ['advances'],
    why: 'spends and everything below them know nothing of advances (approvals decide them through ApprovalEvents)',
  },
  {
    from: MODULES.filter((module) => module !== 'payouts'),
    mayNotImport: ['payouts'],
    why: 'payouts sit at the top of the workflow: they pay what spends approved, and nothing imports them',
  },
  {
    from: ['payouts'],
    mayNotImport: ['receipts', 'reports', 'notifications', 'webhooks'],
    why: 'payouts announce payments through the outbox; receipts and reports are their siblings',
  },
];

describe('layering of src/', () => {
  it('places every module of src/ in the table', () => {
    const directories = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(directories.filter((name) => !MODULES.includes(name))).toEqual([]);
    expect(MODULES.filter((name) => !directories.includes(name))).toEqual([]);
  });

  it('has no import that points up a layer', () => {
    const sources = readSources(SRC);
    expect(sources.size).toBeGreaterThan(100);
    const violations = forbiddenEdges(importGraph(sources), RULES).map(
      ({ from, specifier, why }) => `${from} imports '${specifier}': ${why}`,
    );
    expect(violations).toEqual([]);
  });

  describe('the checker', () => {
    const fixture = new Map([
      ['approvals/approvals.service.ts', "import type { Spend } from '../spends/spend.entity';\n"],
      ['spends/spend.entity.ts', "export * from './spend-status';\n"],
      ['spends/spend-status.ts', 'export type SpendStatus = string;\n'],
      ['database/entities.ts', "import { Spend } from '../spends/spend.entity';\nexport const ENTITIES = [Spend];\n"],
      ['common/idempotency.ts', "export { canonicalJson } from '../audit/audit-hash';\n"],
      ['receipts/receipt.mapper.ts', "const setup = import('../app.setup');\n"],
      ['policies/engine.ts', "import { z } from 'some-package';\nimport { money } from '../common/money';\n"],
      ['reports/chart.ts', "import { Spend } from '../spends';\n"],
      ['spends/index.ts', "import { canonicalJson } from '../common/json/canonical-json';\n"],
    ]);

    it('follows type-only, re-export and dynamic imports, and resolves directories to their index', () => {
      expect(importGraph(fixture)).toEqual([
        { from: 'approvals/approvals.service.ts', to: 'spends/spend.entity.ts', specifier: '../spends/spend.entity' },
        { from: 'spends/spend.entity.ts', to: 'spends/spend-status.ts', specifier: './spend-status' },
        { from: 'database/entities.ts', to: 'spends/spend.entity.ts', specifier: '../spends/spend.entity' },
        { from: 'common/idempotency.ts', to: 'audit/audit-hash.ts', specifier: '../audit/audit-hash' },
        { from: 'receipts/receipt.mapper.ts', to: 'app.setup.ts', specifier: '../app.setup' },
        { from: 'policies/engine.ts', to: 'common/money.ts', specifier: '../common/money' },
        { from: 'reports/chart.ts', to: 'spends/index.ts', specifier: '../spends' },
        { from: 'spends/index.ts', to: 'common/json/canonical-json.ts', specifier: '../common/json/canonical-json' },
      ]);
    });

    it('reports each forbidden edge with its rule, and lets the allowed ones pass', () => {
      expect(forbiddenEdges(importGraph(fixture), RULES).map(({ from, to, why }) => ({ from, to, why }))).toEqual([
        {
          from: 'approvals/approvals.service.ts',
          to: 'spends/spend.entity.ts',
          why: expect.stringMatching(/^approvals/),
        },
        { from: 'database/entities.ts', to: 'spends/spend.entity.ts', why: expect.stringMatching(/^common, config/) },
        { from: 'common/idempotency.ts', to: 'audit/audit-hash.ts', why: expect.stringMatching(/^common, config/) },
        { from: 'receipts/receipt.mapper.ts', to: 'app.setup.ts', why: expect.stringMatching(/composition root/) },
      ]);
    });
  });
});
