/**
 * Pure rules of a backup set (docs/operations.md#backups): its name, what retention deletes,
 * whether a pg_dump can dump a server, and how a restored database compares with the manifest.
 */

export interface BackupManifest {
  format: 1;
  created_at: string;
  app_version: string;
  /** The newest applied migration (schema_migrations), the schema the dump holds. */
  migration_head: string | null;
  pg_server_version: string;
  pg_dump_version: string;
  /** Rows per table of the public schema when the dump began (a separate snapshot: approximate under writes). */
  row_counts: Record<string, number>;
  receipts: { count: number; bytes: number };
  /** Each file of the set (database.dump, receipts/…) with its SHA-256 and size. */
  files: Record<string, { sha256: string; bytes: number }>;
}

/** A set's name: its UTC start, sortable and safe as a directory name (`2026-12-04T03-00-00Z`). */
export function setName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

export const SET_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/;

/** The sets that retention deletes: all but the newest `keep` (names that are not sets are never touched). */
export function setsToDelete(names: string[], keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new Error('--keep must be a whole number of at least 1');
  const sets = names.filter((name) => SET_NAME.test(name)).sort();
  return sets.slice(0, Math.max(0, sets.length - keep));
}

/** The newest set, the default of `restore`. */
export function newestSet(names: string[]): string | undefined {
  return names
    .filter((name) => SET_NAME.test(name))
    .sort()
    .at(-1);
}

/** The major version of `pg_dump --version` ("pg_dump (PostgreSQL) 15.20 (Debian …)") or of a server_version. */
export function majorVersion(text: string): number {
  const match = /(\d+)(?:\.\d+)?/.exec(text.replace(/^[^\d]*\)\s*/, ''));
  if (!match) throw new Error(`Not a PostgreSQL version: ${text}`);
  return Number(match[1]);
}

/** Why this pg_dump cannot dump that server (pg_dump refuses a newer server), or null. */
export function dumpVersionProblem(dumpVersion: string, serverVersion: string): string | null {
  const dump = majorVersion(dumpVersion);
  const server = majorVersion(serverVersion);
  if (dump >= server) return null;
  return (
    `pg_dump ${dump} cannot dump a PostgreSQL ${server} server: install the PostgreSQL ${server} client ` +
    `tools (pg_dump, pg_restore) and put them on PATH or set PG_BIN_DIR to their directory`
  );
}

/** Tables whose restored row count differs from the manifest's, as `table: expected → found`. */
export function countDifferences(expected: Record<string, number>, found: Record<string, number>): string[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  return tables
    .filter((table) => expected[table] !== found[table])
    .map((table) => `${table}: ${expected[table] ?? 'absent'} → ${found[table] ?? 'absent'}`);
}

/** A URL without its password (for argv and logs), and the password (for PGPASSWORD). */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { url: parsed.toString(), password };
}

/** `HH:MM` (UTC) of BACKUP_DAILY_AT, as minutes after midnight. */
export function parseDailyAt(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error('BACKUP_DAILY_AT must be HH:MM (UTC), such as 03:00');
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Whether today's scheduled backup is due at `now`: the time of day (UTC) has come, and no set
 * in the directory was started at or after it today (a set is named by its start).
 */
export function dailyBackupDue(now: Date, minutes: number, names: string[]): boolean {
  const due = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, minutes));
  if (now < due) return false;
  const dueName = setName(due);
  return !names.some((name) => SET_NAME.test(name) && name >= dueName);
}
