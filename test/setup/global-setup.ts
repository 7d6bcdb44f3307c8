import { SERVER_ENV, TEMPLATE_ENV } from './database-urls';
import { startTestDatabaseServer } from './test-database';

export default async function globalSetup(): Promise<void> {
  const server = await startTestDatabaseServer();
  // Workers are started after this and inherit the environment.
  process.env[SERVER_ENV] = server.adminUrl;
  process.env[TEMPLATE_ENV] = server.template;
  (globalThis as { __spendinTestServer?: typeof server }).__spendinTestServer = server;
}
