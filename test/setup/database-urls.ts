import { Client } from 'pg';

export const SERVER_ENV = 'SPENDIN_TEST_ADMIN_URL';
export const TEMPLATE_ENV = 'SPENDIN_TEST_TEMPLATE';

/** The same server, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
