import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSameProcessAlive, sleep, startMarkOf } from './processes';

interface Entry {
  pid: number;
  startMark: string | null;
  role: string;
}

/** How long a process waits for another one to finish starting or stopping the cluster. */
const LOCK_WAIT_MS = 180_000;

/**
 * The Spendin processes (API, worker, CLI, tests) that use one embedded cluster, one file each
 * under `<dataDir>/postgres-users/`. Whoever finds no live user starts the cluster; whoever
 * leaves last stops it. A user killed with SIGKILL leaves its file behind; it is recognised as
 * dead by its pid (and start time, where the OS tells it) and ignored.
 *
 * Starting and stopping happen under a lock (a directory, created atomically), so two
 * processes starting at once never both start a server, and one leaving never stops a server
 * another has just attached to.
 */
export class ClusterUsers {
  private readonly dir: string;
  private readonly lockDir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'postgres-users');
    this.lockDir = join(dataDir, 'postgres.lock');
  }

  /** The live users other than this process; dead users' files are removed. */
  others(): Entry[] {
    const live: Entry[] = [];
    for (const entry of this.entries()) {
      if (entry.pid === process.pid) continue;
      if (isSameProcessAlive(entry.pid, entry.startMark)) live.push(entry);
      else rmSync(this.fileOf(entry.pid), { force: true });
    }
    return live;
  }

  join(role: string): void {
    mkdirSync(this.dir, { recursive: true });
    const entry: Entry = { pid: process.pid, startMark: startMarkOf(process.pid), role };
    writeFileSync(this.fileOf(process.pid), JSON.stringify(entry));
  }

  leave(): void {
    rmSync(this.fileOf(process.pid), { force: true });
  }

  /** Runs `work` holding the cluster's lock; a lock whose holder died is taken over. */
  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        mkdirSync(this.lockDir);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (this.lockHolderIsGone()) {
          rmSync(this.lockDir, { recursive: true, force: true });
          continue;
        }
        if (Date.now() > deadline)
          throw new Error(
            `Waited ${LOCK_WAIT_MS / 1000} s for another process to start or stop the embedded PostgreSQL (lock ${this.lockDir}); remove it if no Spendin process runs.`,
          );
        await sleep(100);
      }
    }
    writeFileSync(
      join(this.lockDir, 'holder'),
      JSON.stringify({ pid: process.pid, startMark: startMarkOf(process.pid) }),
    );
    try {
      return await work();
    } finally {
      rmSync(this.lockDir, { recursive: true, force: true });
    }
  }

  private lockHolderIsGone(): boolean {
    try {
      const holder = JSON.parse(readFileSync(join(this.lockDir, 'holder'), 'utf8')) as {
        pid: number;
        startMark: string | null;
      };
      return !isSameProcessAlive(holder.pid, holder.startMark);
    } catch {
      // Created but not yet written by its holder, or left empty by a crash between the two:
      // give a live holder a moment, then treat it as abandoned.
      return this.lockAgeMs() > 5_000;
    }
  }

  private lockAgeMs(): number {
    try {
      return Date.now() - statSync(this.lockDir).mtimeMs;
    } catch {
      return 0;
    }
  }

  private entries(): Entry[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((file) => file.endsWith('.json'));
    } catch {
      return [];
    }
    return files.flatMap((file) => {
      try {
        return [JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as Entry];
      } catch {
        return [];
      }
    });
  }

  private fileOf(pid: number): string {
    return join(this.dir, `${pid}.json`);
  }
}
