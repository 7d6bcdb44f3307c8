import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../database/sql';

/**
 * What a backup records of the database and a restore checks: catalog facts and row counts. On
 * an entity manager, in its transaction: the backup's snapshot, which pg_dump shares.
 */
export class BackupsRepository {
  constructor(private readonly dataSource: DataSource | EntityManager) {}

  /** Exports this transaction's snapshot, for `pg_dump --snapshot`: the dump then sees what the counts saw. */
  async exportSnapshot(): Promise<string> {
    const [row] = await runSql<{ id: string }>(this.dataSource, STATEMENTS.exportSnapshot);
    return row.id;
  }

  async serverVersion(): Promise<string> {
    const [row] = await runSql<{ server_version: string }>(this.dataSource, STATEMENTS.serverVersion);
    return row.server_version;
  }

  async tables(): Promise<string[]> {
    return (await runSql<{ name: string }>(this.dataSource, STATEMENTS.tables)).map((row) => row.name);
  }

  async rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of await this.tables()) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const [row] = await runSql<{ n: string }>(this.dataSource, {
        text: `SELECT count(*) AS n FROM public.${quoted}`,
      });
      counts[table] = Number(row.n);
    }
    return counts;
  }

  async migrationHead(): Promise<string | null> {
    const [row] = await runSql<{ name: string }>(this.dataSource, STATEMENTS.migrationHead);
    return row?.name ?? null;
  }

  /** Every receipt file the database names, once per content address. */
  async receiptFiles(): Promise<string[]> {
    return (await runSql<{ sha256: string }>(this.dataSource, STATEMENTS.receiptFiles)).map((row) => row.sha256);
  }

  async organizations(): Promise<Array<{ id: string; name: string }>> {
    return runSql<{ id: string; name: string }>(this.dataSource, STATEMENTS.organizations);
  }
}

const STATEMENTS: Record<string, Statement> = {
  serverVersion: { text: 'SHOW server_version' },
  exportSnapshot: { text: 'SELECT pg_export_snapshot() AS id' },
  tables: { text: `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename` },
  migrationHead: { text: 'SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1' },
  receiptFiles: { text: 'SELECT DISTINCT sha256 FROM receipts ORDER BY sha256' },
  organizations: { text: 'SELECT id, name FROM organizations ORDER BY created_at, id' },
};
