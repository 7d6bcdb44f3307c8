import { DataSource } from 'typeorm';

/**
 * Runs `work` while this process holds a PostgreSQL session-level advisory lock named `name`:
 * across every process on the database, one at a time. `wait: false` gives up at once (answers
 * undefined) when another process holds it. The lock lives on a connection of its own, held
 * until `work` settles; `work` itself uses the pool as usual.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  options: { wait: boolean },
  work: () => Promise<T>,
): Promise<T | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (options.wait) {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
    } else {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
      if (!locked) return undefined;
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
    }
  } finally {
    await runner.release();
  }
}
