import { SERVER_ENV, TEMPLATE_ENV, withClient, databaseUrl } from './database-urls';

/*
 * Per-suite databases. Kept apart from the server start-up so that suites never load the
 * embedded PostgreSQL package (ESM, located through import.meta) inside jest's module system.
 */

/** A fresh, migrated database for one suite, cloned from the template. */
export async function cloneTemplate(name: string): Promise<string> {
  const adminUrl = process.env[SERVER_ENV];
  const template = process.env[TEMPLATE_ENV];
  if (!adminUrl || !template)
    throw new Error("e2e suites run through jest's globalSetup (npm test), which prepares the database");
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(name: string): Promise<void> {
  const adminUrl = process.env[SERVER_ENV];
  if (!adminUrl) return;
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** An empty database (no migrations), for tests of the migration and start-up paths. */
export async function createEmptyDatabase(name: string): Promise<string> {
  const adminUrl = process.env[SERVER_ENV];
  if (!adminUrl) throw new Error("e2e suites run through jest's globalSetup (npm test), which prepares the database");
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(adminUrl, name);
}
