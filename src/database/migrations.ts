import { DataSource } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock';
import { dataSourceOptions } from './data-source-options';
import { grantApplicationRole } from './grants';

/** Applies every pending migration, each in its own transaction; answers their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/**
 * Migrates the database at `url` (as the role that owns the schema) on a small pool of its own,
 * one process at a time (two APIs starting on one database both try), then grants `grantTo`
 * what the application needs.
 */
export async function migrateDatabase(url: string, options: { grantTo?: string } = {}): Promise<string[]> {
  // Migrations work on tables through their query runner: this pool registers no entities.
  const dataSource = await new DataSource(dataSourceOptions(url, { poolSize: 2, entities: [] })).initialize();
  try {
    const applied =
      (await withAdvisoryLock(dataSource, 'spendin:migrations', { wait: true }, () => runMigrations(dataSource))) ?? [];
    if (options.grantTo) await grantApplicationRole(dataSource, options.grantTo);
    return applied;
  } finally {
    await dataSource.destroy();
  }
}

export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set<string>(
    (await dataSource.query(`SELECT name FROM schema_migrations`).catch(() => [])).map((r: { name: string }) => r.name),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}
