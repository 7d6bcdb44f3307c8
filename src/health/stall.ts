import type { OutboxLag } from '../jobs/outbox.repository';
import type { QueueStats } from '../jobs/transport';

/** One part found stalled: what waits, and for how long (whole seconds). */
export interface StalledPart {
  status: 'degraded';
  waiting: number;
  oldest_age_seconds: number;
}

/**
 * The parts that nothing has consumed for `stallMinutes`: the outbox when its longest-due row
 * has been due that long (no dispatcher takes rows), and each queue whose oldest waiting job has
 * waited that long (no worker takes its jobs). Keyed `outbox` and `queue:<name>`; empty when
 * everything moves. `now` in milliseconds.
 */
export function stalledParts(
  lag: OutboxLag | null,
  queues: QueueStats[],
  stallMinutes: number,
  now: number,
): Record<string, StalledPart> {
  const limit = stallMinutes * 60;
  const parts: Record<string, StalledPart> = {};
  if (lag && lag.oldestDueSeconds !== null && lag.oldestDueSeconds >= limit)
    parts.outbox = { status: 'degraded', waiting: lag.due, oldest_age_seconds: Math.floor(lag.oldestDueSeconds) };
  for (const queue of queues) {
    if (queue.waiting === 0 || queue.oldestWaitingSince === null) continue;
    const age = (now - queue.oldestWaitingSince) / 1000;
    if (age >= limit)
      parts[`queue:${queue.queue}`] = {
        status: 'degraded',
        waiting: queue.waiting,
        oldest_age_seconds: Math.floor(age),
      };
  }
  return parts;
}
