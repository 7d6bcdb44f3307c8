import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The lint rule behind "one persistence idiom" (eslint.config.mjs, docs/architecture.md):
 * code under src/ that calls the ORM's query API, or sends SQL by hand, is an error; the same
 * code in src/database/ (runSql itself, migration runs) and a Statement run with runSql are not.
 */
const root = join(__dirname, '..');

function lint(filename: string, code: string): string[] {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', filename],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  const [report] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; line: number }> }>;
  return report.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => `line ${m.line}`);
}

const offending = [
  "import { EntityManager } from 'typeorm';",
  "import { Approval } from '../approvals/approval.entity';",
  'export async function all(tx: EntityManager, id: string) {',
  "  await tx.query('SELECT 1');",
  "  await tx.createQueryBuilder().select('1').getRawMany();",
  '  const found = await tx.find(Approval, { where: { spendId: id } });',
  '  await tx.save(found);',
  "  await tx.update(Approval, { id }, { note: 'x' });",
  '  return tx.getRepository(Approval).count();',
  '}',
  '',
].join('\n');

describe('the persistence lint rule', () => {
  it('refuses the ORM query API and hand-sent SQL in a service and in a repository', () => {
    const expected = ['line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 9'];
    expect(lint('src/spends/use-cases/example.ts', offending)).toEqual(expected);
    expect(lint('src/spends/example.repository.ts', offending)).toEqual(expected);
  }, 60_000);

  it('lets src/database send SQL, and Statements, Array.find and Map.delete pass anywhere', () => {
    expect(lint('src/database/example.ts', offending)).toEqual([]);
    const idiom = [
      "import { EntityManager } from 'typeorm';",
      "import { runSql, Statement } from '../database/sql';",
      "const BY_ID: Statement = { name: 'x.by_id', text: 'SELECT id FROM x WHERE id = $1' };",
      'export async function byId(tx: EntityManager, id: string, seen: Map<string, number>) {',
      '  const rows = await runSql<{ id: string }>(tx, BY_ID, [id]);',
      '  seen.delete(id);',
      '  return rows.find((r) => r.id === id);',
      '}',
      '',
    ].join('\n');
    expect(lint('src/spends/example.repository.ts', idiom)).toEqual([]);
  }, 60_000);
});
