import { AppConfig } from './config/app-config';
import { BackupError } from './backups/pg-tools';
import { Backups } from './backups/backups.service';

export const BACKUP_USAGE = `  backup [--to DIR] [--keep N]
                                  write a backup set (pg_dump custom format, the receipt files, a
                                  manifest.json) under DIR (BACKUP_DIR, default DATA_DIR/backups),
                                  then delete all but the newest N sets (BACKUP_KEEP, default 7)
  restore [--from DIR] [--set NAME] [--database-url URL]
                                  restore a set (default the newest) into an EMPTY database (URL,
                                  default the configured one) and the configured receipt storage;
                                  checks SHA-256s, row counts and every audit log's chain`;

export { BackupError as BackupUsageError };

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `npm run cli -- backup` and `restore`; answers the exit code. */
export async function backupCommand(
  command: 'backup' | 'restore',
  config: AppConfig,
  flags: Record<string, string | boolean | undefined>,
): Promise<number> {
  const backups = new Backups(config, out);
  if (command === 'backup') {
    const keep = typeof flags.keep === 'string' ? Number(flags.keep) : config.backup.keep;
    if (!Number.isInteger(keep) || keep < 1) throw new BackupError('--keep must be a whole number of at least 1');
    const to = typeof flags.to === 'string' ? flags.to : config.backup.dir;
    if (to.startsWith('s3://')) throw new BackupError('--to s3://… is not supported yet: give a directory');
    await backups.backup({ to, keep });
    return 0;
  }
  const ok = await backups.restore({
    from: typeof flags.from === 'string' ? flags.from : config.backup.dir,
    set: typeof flags.set === 'string' ? flags.set : undefined,
    databaseUrl: typeof flags['database-url'] === 'string' ? flags['database-url'] : undefined,
  });
  out(ok ? 'Restore complete: every check passed.' : 'Restore finished, but a check FAILED (see above).');
  return ok ? 0 : 1;
}
