import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * One definition of how we talk to PostgreSQL, shared by the API, the worker, the CLI and
 * the tests. The schema is owned by the migrations: `synchronize` stays off everywhere.
 * `entities` come from the caller (the composition root's `src/entities.ts`), so that this
 * layer imports no domain module; a data source that only runs migrations needs none.
 */
export function dataSourceOptions(
  url: string,
  { poolSize = 10, entities }: { poolSize?: number; entities: EntityList },
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    // The migrations create pgcrypto; the application role may not (and need not) try at every connect.
    installExtensions: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      // A statement that hangs (lock wait, lost server) fails instead of holding a request forever.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      application_name: 'spendin',
    },
  };
}

/** The entity classes a data source registers (see src/entities.ts). */
export type EntityList = NonNullable<DataSourceOptions['entities']>;
