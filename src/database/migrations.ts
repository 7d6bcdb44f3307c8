import { DataSource } from 'typeorm';

/** Applies every pending migration, each in its own transaction; answers their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set<string>(
    (await dataSource.query(`SELECT name FROM schema_migrations`).catch(() => [])).map((r: { name: string }) => r.name),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}
