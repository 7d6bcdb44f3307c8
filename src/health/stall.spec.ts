import type { QueueStats } from '../jobs/transport';
import { stalledParts } from './stall';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const queue = (name: string, waiting: number, waitedSeconds: number | null): QueueStats => ({
  queue: name,
  waiting,
  active: 0,
  delayed: 0,
  failed: 0,
  oldestWaitingSince: waitedSeconds === null ? null : NOW - waitedSeconds * 1000,
});

describe('stalledParts', () => {
  it('finds nothing while rows and jobs move', () => {
    expect(stalledParts({ backlog: 3, due: 2, oldestDueSeconds: 12 }, [queue('ocr', 4, 30)], 10, NOW)).toEqual({});
    expect(stalledParts({ backlog: 0, due: 0, oldestDueSeconds: null }, [queue('ocr', 0, null)], 10, NOW)).toEqual({});
    expect(stalledParts(null, [], 10, NOW)).toEqual({});
  });

  it('names the outbox once its longest-due row has been due for the limit', () => {
    expect(stalledParts({ backlog: 9, due: 5, oldestDueSeconds: 599.9 }, [], 10, NOW)).toEqual({});
    expect(stalledParts({ backlog: 9, due: 5, oldestDueSeconds: 600.4 }, [], 10, NOW)).toEqual({
      outbox: { status: 'degraded', waiting: 5, oldest_age_seconds: 600 },
    });
  });

  it('names each queue whose oldest waiting job waited for the limit, and only those', () => {
    expect(
      stalledParts(null, [queue('ocr', 2, 61), queue('email', 1, 59), queue('webhooks', 0, 3600)], 1, NOW),
    ).toEqual({ 'queue:ocr': { status: 'degraded', waiting: 2, oldest_age_seconds: 61 } });
  });
});
