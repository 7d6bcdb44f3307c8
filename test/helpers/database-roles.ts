import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROLES_SQL = join(__dirname, '..', '..', 'docker', 'postgres', 'roles.sql');

/**
 * docker/postgres/roles.sql as psql runs it, with the names made unique and its two password
 * variables filled in: the statements before its `\connect` (run in any database), and those
 * after (run in the new database).
 */
export function rolesSql(
  names: { owner: string; app: string; database: string },
  passwords: { owner: string; app: string },
): { server: string[]; database: string[] } {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  const text = readFileSync(ROLES_SQL, 'utf8')
    .replace(/^--.*$/gm, '')
    .replace(/:'owner_password'/g, quote(passwords.owner))
    .replace(/:'app_password'/g, quote(passwords.app))
    .replace(/\bspendin_owner\b/g, names.owner)
    .replace(/\bspendin_app\b/g, names.app)
    .replace(/\bspendin\b/g, names.database);
  const [server, database] = text.split(new RegExp(`^\\\\connect ${names.database}$`, 'm'));
  const statements = (sql: string) =>
    sql
      .split(/;\s*\n/)
      .map((statement) => statement.trim().replace(/;$/, ''))
      .filter(Boolean);
  return { server: statements(server), database: statements(database ?? '') };
}
