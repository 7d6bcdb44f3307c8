import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditKeys } from '../audit/audit-keys';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditLogService } from '../audit/audit-log.service';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { grantApplicationRole } from '../database/grants';
import { LocalReceiptStorage } from '../receipts/storage/local-receipt-storage';
import { contentPath, ReceiptStorage } from '../receipts/storage/receipt-storage';
import { S3ReceiptStorage } from '../receipts/storage/s3-receipt-storage';
import {
  BackupManifest,
  countDifferences,
  dumpVersionProblem,
  newestSet,
  SET_NAME,
  setName,
  setsToDelete,
  splitPassword,
} from './backup-set';
import { BackupsRepository } from './backups.repository';
import { BackupError, findTool, runTool } from './pg-tools';

export interface BackupResult {
  name: string;
  dir: string;
  manifest: BackupManifest;
  deleted: string[];
  seconds: number;
}

type Say = (line: string) => void;

/**
 * `backup` and `restore` (docs/operations.md#backups): a set is a directory named by its UTC
 * start holding `database.dump` (pg_dump's custom format, compressed), `receipts/ab/cd/<sha256>`
 * (the files the database names, read from the configured storage, local or S3) and
 * `manifest.json`. It is written as `<name>.partial` and renamed when complete.
 */
export class Backups {
  constructor(
    private readonly config: AppConfig,
    private readonly say: Say = () => undefined,
  ) {}

  /** Who dumps: BACKUP_DATABASE_URL, else the embedded default's owner, else DATABASE_URL. */
  private get ownerUrl(): string {
    return this.config.backup.databaseUrl ?? this.config.database.migrationUrl ?? this.config.database.url!;
  }

  async backup(options: { to: string; keep?: number; now?: Date }): Promise<BackupResult> {
    const started = Date.now();
    const name = setName(options.now ?? new Date());
    const dir = join(options.to, name);
    if (existsSync(dir)) throw new BackupError(`${dir} exists already: one backup per second at most`);
    const partial = `${dir}.partial`;
    // The set holds password hashes, bank details and every receipt: its owner's alone.
    await mkdir(partial, { recursive: true, mode: 0o700 });
    await chmod(partial, 0o700);
    const dataSource = await connect(this.ownerUrl);
    // One snapshot for the counts, the receipt list and pg_dump: a REPEATABLE READ transaction
    // kept open while pg_dump runs on its exported snapshot.
    const snapshot = dataSource.createQueryRunner();
    try {
      const serverVersion = await new BackupsRepository(dataSource).serverVersion();
      const pgDump = findTool('pg_dump', this.config.backup.pgBinDir);
      const dumpVersion = (await runTool(pgDump, ['--version'])).trim();
      const problem = dumpVersionProblem(dumpVersion, serverVersion);
      if (problem) throw new BackupError(problem);
      await snapshot.connect();
      await snapshot.startTransaction('REPEATABLE READ');
      const db = new BackupsRepository(snapshot.manager);
      const snapshotId = await db.exportSnapshot();
      const rowCounts = await db.rowCounts();
      const migrationHead = await db.migrationHead();
      const receipts = await db.receiptFiles();
      const dumpFile = join(partial, 'database.dump');
      await runTool(
        pgDump,
        ['--format=custom', '--compress=6', `--snapshot=${snapshotId}`, `--file=${dumpFile}`],
        this.ownerUrl,
      ).catch((error: Error) => {
        if (!/permission denied/.test(error.message)) throw error;
        throw new BackupError(
          `${error.message}\nBack up as a role that may read every table and sequence (the schema's owner): set BACKUP_DATABASE_URL`,
        );
      });
      await snapshot.commitTransaction();
      await chmod(dumpFile, 0o600);
      const files: BackupManifest['files'] = { 'database.dump': await describeFile(dumpFile) };
      // After the dump: files are only ever added, so every receipt in the dump has its file here.
      const storage = storageOf(this.config);
      let bytes = 0;
      for (const sha256 of receipts) {
        const content = await storage.read(sha256);
        const path = `receipts/${contentPath(sha256)}`;
        await mkdir(dirname(join(partial, path)), { recursive: true, mode: 0o700 });
        await writeFile(join(partial, path), content, { mode: 0o600 });
        files[path] = { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
        bytes += content.length;
      }
      const manifest: BackupManifest = {
        format: 1,
        created_at: new Date(started).toISOString(),
        app_version: appVersion(),
        migration_head: migrationHead,
        pg_server_version: serverVersion,
        pg_dump_version: dumpVersion,
        row_counts: rowCounts,
        receipts: { count: receipts.length, bytes },
        files,
      };
      await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
      await rename(partial, dir);
      const deleted = options.keep ? setsToDelete(await readdir(options.to), options.keep) : [];
      for (const old of deleted) await rm(join(options.to, old), { recursive: true, force: true });
      const seconds = (Date.now() - started) / 1000;
      this.say(
        `Backup ${name} written to ${dir}: ${sum(rowCounts)} rows in ${Object.keys(rowCounts).length} tables, ` +
          `${receipts.length} receipt files (${bytes} bytes), dump ${files['database.dump'].bytes} bytes, ${seconds.toFixed(1)} s`,
      );
      if (deleted.length > 0) this.say(`Retention (--keep ${options.keep}): deleted ${deleted.join(', ')}`);
      return { name, dir, manifest, deleted, seconds };
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    } finally {
      await snapshot.release();
      await dataSource.destroy();
    }
  }

  /** Restores a set into an empty database; answers whether every check passed. */
  async restore(options: { from: string; set?: string; databaseUrl?: string }): Promise<boolean> {
    if (options.set !== undefined && !SET_NAME.test(options.set))
      throw new BackupError(`--set names a set of --from (like 2026-12-04T03-00-00Z), not a path: ${options.set}`);
    const name = options.set ?? newestSet(existsSync(options.from) ? await readdir(options.from) : []);
    if (!name) throw new BackupError(`No backup set in ${options.from}`);
    const dir = join(options.from, name);
    const manifestFile = join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) throw new BackupError(`${dir} is not a complete backup set (no manifest.json)`);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest;
    for (const [path, expected] of Object.entries(manifest.files)) {
      if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
        throw new BackupError(`The manifest of set ${name} names a file outside the set: ${path}`);
      const found = await describeFile(join(dir, path)).catch(() => undefined);
      if (found?.sha256 !== expected.sha256)
        throw new BackupError(`${path} of set ${name} is ${found ? 'altered (SHA-256 differs)' : 'missing'}`);
    }
    this.say(`Set ${name}: ${Object.keys(manifest.files).length} files match their SHA-256`);
    const url = options.databaseUrl ?? this.ownerUrl;
    const dataSource = await connect(url);
    try {
      const db = new BackupsRepository(dataSource);
      const tables = await db.tables();
      if (tables.length > 0)
        throw new BackupError(
          `The database ${splitPassword(url).url} is not empty (${tables.length} tables in public): restore only into an empty database`,
        );
      const pgRestore = findTool('pg_restore', this.config.backup.pgBinDir);
      await runTool(
        pgRestore,
        ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', join(dir, 'database.dump')],
        url,
      );
      if (!options.databaseUrl && this.config.database.applicationRole)
        await grantApplicationRole(dataSource, this.config.database.applicationRole);
      const storage = storageOf(this.config);
      for (const path of Object.keys(manifest.files).filter((p) => p.startsWith('receipts/'))) {
        const sha256 = await storage.put(await readFile(join(dir, path)));
        if (!path.endsWith(sha256)) throw new BackupError(`${path} was stored as ${sha256}`);
      }
      this.say(`Receipt files: ${manifest.receipts.count} (${manifest.receipts.bytes} bytes) put into storage`);
      const differences = countDifferences(manifest.row_counts, await db.rowCounts());
      this.say(
        differences.length === 0
          ? `Row counts: all ${Object.keys(manifest.row_counts).length} tables match the manifest (${sum(manifest.row_counts)} rows)`
          : `Row counts differ from the manifest: ${differences.join('; ')}`,
      );
      const verifier = new AuditLogService(new AuditLogRepository(dataSource), new AuditKeys(this.config));
      let valid = true;
      for (const organization of await db.organizations()) {
        const verdict = await verifier.verifyOrganization(organization.id);
        valid &&= verdict.valid;
        this.say(
          verdict.valid
            ? `Audit log of ${organization.name}: valid (${verdict.checked} entries)`
            : `Audit log of ${organization.name}: INVALID at ${verdict.first_invalid_id}: ${verdict.reason}`,
        );
      }
      return valid && differences.length === 0;
    } finally {
      await dataSource.destroy();
    }
  }
}

async function connect(url: string): Promise<DataSource> {
  return new DataSource(dataSourceOptions(url, { poolSize: 2, entities: [] })).initialize();
}

function storageOf(config: AppConfig): ReceiptStorage {
  const { s3, dir } = config.receipts;
  return s3 ? new S3ReceiptStorage(s3) : new LocalReceiptStorage(dir);
}

async function describeFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function appVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
