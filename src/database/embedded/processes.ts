import { readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started, as far as the OS says (Linux: ticks since boot, from /proc), so that a
 * recorded pid that the OS has since given to another process is not mistaken for the original.
 * Null where the OS does not say; the pid alone is then trusted.
 */
export function startMarkOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 is the command in parentheses and may hold spaces; field 22 is the start time.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** The process that `pid` and `startMark` recorded is still the one running under that pid. */
export function isSameProcessAlive(pid: number, startMark: string | null): boolean {
  if (!isAlive(pid)) return false;
  const now = startMarkOf(pid);
  return startMark === null || now === null || now === startMark;
}
