/** The first restart of a worker that died waits this long; each quick death after it doubles the wait. */
export const FIRST_RESTART_DELAY_MS = 1_000;
export const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long before dying counts as healthy: its restart waits the first delay again. */
export const HEALTHY_LIFETIME_MS = 60_000;

/**
 * How long to wait before restarting a worker that died after `livedMs`, when the restart
 * before it waited `previousDelayMs` (0: none yet): no hot loop of forks when every worker
 * dies at once on start, and a prompt restart after a rare crash.
 */
export function restartDelayMs(previousDelayMs: number, livedMs: number): number {
  if (previousDelayMs === 0 || livedMs >= HEALTHY_LIFETIME_MS) return FIRST_RESTART_DELAY_MS;
  return Math.min(MAX_RESTART_DELAY_MS, previousDelayMs * 2);
}
