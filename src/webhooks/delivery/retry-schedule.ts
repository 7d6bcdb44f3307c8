/** Attempts at one delivery before it is given up on (the first and 13 retries). */
export const DELIVERY_ATTEMPTS = 14;
/** The longest wait between two attempts, in units of the first wait (30 s × 720 = 6 h by default). */
const CAP_FACTOR = 720;

/**
 * How long to wait after attempt `attempt` (1-based) failed before the next one, or null when
 * it was the last: the base, doubling per attempt, capped at 720× the base, plus up to 10%
 * jitter (only ever later, so the schedule's total never shrinks) so that the deliveries
 * failing together when a receiver went down do not all come back in the same second.
 * With the default base of 30 s the 13 retries span about 26.5 hours.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number | null {
  if (attempt >= DELIVERY_ATTEMPTS) return null;
  const wait = Math.min(baseMs * 2 ** (attempt - 1), baseMs * CAP_FACTOR);
  return Math.round(wait * (1 + 0.1 * random()));
}
