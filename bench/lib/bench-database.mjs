// What the benchmarks that seed a database of their own share: where the repository and the
// PostgreSQL server are, a client for one piece of SQL, a child process with its output kept,
// and a fresh, migrated database.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's URL with another database name. */
export const databaseUrl = (name) => {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
};
export const log = (line) => process.stdout.write(`${line}\n`);

export async function sql(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A child process in the repository; an entry of `env` set to undefined is left out of its environment (REDIS_URL for the API). */
export function run(command, args, env) {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(command, args, { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return { child, output: () => output };
}

/** Drops and creates `database`, then migrates it with the built CLI. */
export async function prepareDatabase(database) {
  await sql(SERVER, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
  const migrate = run(process.execPath, ['dist/src/cli.js', 'migrate'], { DATABASE_URL: databaseUrl(database) });
  const [code] = await once(migrate.child, 'exit');
  if (code !== 0) throw new Error(`migrate failed:\n${migrate.output()}`);
}
