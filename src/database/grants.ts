import { DataSource } from 'typeorm';

/**
 * What the application role (the API, the worker, the CLI's bootstrap) may do on the schema the
 * migrations made: read and write rows, never change the schema, never change or delete audit
 * entries, never record a migration. Run by the schema's owner after migrating
 * (`npm run cli -- migrate --grant-to <role>`); the default privileges give the same to tables
 * later migrations create, until the next run narrows them again.
 */
export async function grantApplicationRole(dataSource: DataSource, role: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_$]{0,62}$/.test(role)) throw new Error(`Not a role name: ${role}`);
  const exists: Array<{ rolsuper: boolean }> = await dataSource.query(
    'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
    [role],
  );
  if (exists.length === 0) throw new Error(`There is no database role ${role}: create it first (docs/operations.md)`);
  if (exists[0].rolsuper)
    throw new Error(
      `${role} is a superuser: the application role must not be one, or it could switch the audit log's triggers off`,
    );
  await dataSource.transaction(async (tx) => {
    for (const statement of [
      `GRANT USAGE ON SCHEMA public TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
      `REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM ${role}`,
      `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ${role}`,
      `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO ${role}`,
    ]) {
      await tx.query(statement);
    }
  });
}
