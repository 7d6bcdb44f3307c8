import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrations';
import { ENTITIES } from '../../src/entities';
import { databaseUrl, withClient } from './database-urls';

/**
 * The e2e suites' database server: DATABASE_URL when set (CI, a developer's own server),
 * otherwise the embedded PostgreSQL in a throwaway directory. Migrations run once into a
 * template database; each suite then gets its own clone (CREATE DATABASE … TEMPLATE).
 */
export interface TestDatabaseServer {
  /** URL of a database on the server, used to create and drop the per-suite databases. */
  adminUrl: string;
  template: string;
  stop: () => Promise<void>;
}

export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => undefined;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'spendin-test-pg-'));
    const embedded = new EmbeddedDatabase(dir, { role: 'test' });
    adminUrl = await embedded.start('postgres');
    stopServer = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const template = `spendin_test_template_${process.pid}`;
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.query(`CREATE DATABASE ${template}`);
  });
  const dataSource = await new DataSource(
    dataSourceOptions(databaseUrl(adminUrl, template), { poolSize: 2, entities: ENTITIES }),
  ).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return {
    adminUrl,
    template,
    stop: async () => {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${template}`));
      await stopServer();
    },
  };
}
